"""The hub page's own words (the frame around what the lead writes), from gettext catalogues.

The page is rendered once per change into static files, one copy per language in
settings.HUB_LANGUAGES; each copy takes these words from `hubpage/locale/<lang>` (msgctxt
"hub page", so a staff screen's "Subscribe" never changes the public page's). An organisation
adds a language by adding its catalogue there and its code to HUB_LANGUAGES; a language
without a catalogue gets the English words. The subscription pages and mails (keys "sub_",
"err_", "mail_") use the same words, so a subscriber reads the whole flow in the language of
the page they subscribed from. The date formats are words too: each language says how it
writes a moment ("3 décembre 2026", "2026年12月3日").
"""

from __future__ import annotations

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

# Each language's name as its readers write it (the picker shows it in that language).
LANGUAGE_NAMES = {
    "en": "English",
    "fr": "Français",
    "de": "Deutsch",
    "es": "Español",
    "nl": "Nederlands",
    "it": "Italiano",
    "pt": "Português",
    "ja": "日本語",
    "zh-hans": "简体中文",
}

WORDS: dict[str, Promise] = {
    "skip": pgettext_lazy(
        "hub page",
        "Skip to content",
    ),
    "languages": pgettext_lazy(
        "hub page",
        "Language",
    ),
    "drill": pgettext_lazy(
        "hub page",
        "DRILL — this page is visible to staff only and is not public.",
    ),
    "aftermath": pgettext_lazy(
        "hub page",
        "The disruption is over. This page stays up to help with what follows.",
    ),
    "last_updated": pgettext_lazy(
        "hub page",
        "Last updated",
    ),
    "key_message": pgettext_lazy(
        "hub page",
        "Key message",
    ),
    "what_happened": pgettext_lazy(
        "hub page",
        "What happened",
    ),
    "who_is_affected": pgettext_lazy(
        "hub page",
        "Who is affected",
    ),
    "what_we_are_doing": pgettext_lazy(
        "hub page",
        "What we are doing",
    ),
    "what_you_should_do": pgettext_lazy(
        "hub page",
        "What you should do",
    ),
    "next_update": pgettext_lazy(
        "hub page",
        "When we will update next",
    ),
    "next_update_at": pgettext_lazy(
        "hub page",
        "Our next update will be by",
    ),
    "next_update_unknown": pgettext_lazy(
        "hub page",
        "We will update this page as soon as we know more.",
    ),
    "updates": pgettext_lazy(
        "hub page",
        "Updates",
    ),
    "no_updates": pgettext_lazy(
        "hub page",
        "We are aware of the problem and working on it. The next update will follow here.",
    ),
    "older_updates": pgettext_lazy(
        "hub page",
        "Older updates are in the feed.",
    ),
    "edited": pgettext_lazy(
        "hub page",
        "edited",
    ),
    "faq": pgettext_lazy(
        "hub page",
        "Questions and answers",
    ),
    "contacts": pgettext_lazy(
        "hub page",
        "Contact us",
    ),
    "follow": pgettext_lazy(
        "hub page",
        "Follow this page",
    ),
    "feed": pgettext_lazy(
        "hub page",
        "Atom feed",
    ),
    "json": pgettext_lazy(
        "hub page",
        "JSON for apps",
    ),
    "email": pgettext_lazy(
        "hub page",
        "Email address",
    ),
    "subscribe": pgettext_lazy(
        "hub page",
        "Get updates by email",
    ),
    "subscribe_button": pgettext_lazy(
        "hub page",
        "Subscribe",
    ),
    "subscribe_help": pgettext_lazy(
        "hub page",
        "We send a link to confirm. Every email has a one-click unsubscribe.",
    ),
    "calm_title": pgettext_lazy(
        "hub page",
        "No active incident",
    ),
    "calm": pgettext_lazy(
        "hub page",
        "All our services are running normally. If something goes wrong, this page will tell you "
        "what happened and what to do.",
    ),
    "past": pgettext_lazy(
        "hub page",
        "Past incidents",
    ),
    "status": pgettext_lazy(
        "hub page",
        "service status",
    ),
    "banner": pgettext_lazy(
        "hub page",
        "Service disruption: read the latest updates",
    ),
    "times": pgettext_lazy(
        "hub page",
        "Times in UTC and {zone}.",
    ),
    # Email subscription: the pages after the form, the mails.
    "sub_title": pgettext_lazy(
        "hub page",
        "Email updates",
    ),
    "sub_check_inbox": pgettext_lazy(
        "hub page",
        "Check your inbox: we sent a link to confirm. Nothing is sent until you confirm.",
    ),
    "sub_confirm": pgettext_lazy(
        "hub page",
        "Press the button to start getting updates by email.",
    ),
    "sub_confirm_button": pgettext_lazy(
        "hub page",
        "Confirm my subscription",
    ),
    "sub_confirmed": pgettext_lazy(
        "hub page",
        "Confirmed. You will get an email with each update. Every email has a one-click unsubscribe link.",
    ),
    "sub_unsubscribe": pgettext_lazy(
        "hub page",
        "Stop getting updates by email?",
    ),
    "sub_unsubscribe_button": pgettext_lazy(
        "hub page",
        "Unsubscribe",
    ),
    "sub_unsubscribed": pgettext_lazy(
        "hub page",
        "You are unsubscribed. You will get no more emails from us.",
    ),
    "sub_address": pgettext_lazy(
        "hub page",
        "Address: {email}",
    ),
    "sub_back": pgettext_lazy(
        "hub page",
        "Back to the updates page",
    ),
    "err_email": pgettext_lazy(
        "hub page",
        "That does not look like an email address.",
    ),
    "err_rate": pgettext_lazy(
        "hub page",
        "Too many subscription requests from here. Please try again in an hour.",
    ),
    "err_expired": pgettext_lazy(
        "hub page",
        "This link has expired. Subscribe again to get a new one.",
    ),
    "err_invalid": pgettext_lazy(
        "hub page",
        "This link is not valid.",
    ),
    "mail_confirm_subject": pgettext_lazy(
        "hub page",
        "{organisation}: confirm your subscription",
    ),
    "mail_confirm_asked": pgettext_lazy(
        "hub page",
        "Someone, probably you, asked to get {organisation}'s crisis updates by email.",
    ),
    "mail_confirm_open": pgettext_lazy(
        "hub page",
        "To confirm, open this link and press the button:",
    ),
    "mail_confirm_ignore": pgettext_lazy(
        "hub page",
        "If it was not you, ignore this mail: nothing will be sent.",
    ),
    "mail_always_on": pgettext_lazy(
        "hub page",
        "The updates are always on this page:",
    ),
    "mail_update_subject": pgettext_lazy(
        "hub page",
        "{organisation}: {title}",
    ),
    "mail_read_all": pgettext_lazy(
        "hub page",
        "Read all updates",
    ),
    "mail_unsubscribe": pgettext_lazy(
        "hub page",
        "Unsubscribe",
    ),
    "mail_unsubscribe_one_click": pgettext_lazy(
        "hub page",
        "Unsubscribe (one click)",
    ),
    "mail_untranslated": pgettext_lazy(
        "hub page",
        "This update has not been translated yet.",
    ),
    # Punctuation around a moment: "Last updated: <time>", "... by <time>." (full-width in Chinese).
    "colon": pgettext_lazy("hub page punctuation", ": "),
    "full_stop": pgettext_lazy("hub page punctuation", "."),
    # Django date formats (django.utils.dateformat): a moment in full, and in short.
    "date_full": pgettext_lazy("hub page date format", "j F Y, H:i T"),
    "date_short": pgettext_lazy("hub page date format", "j M, H:i"),
}


def labels_for(lang: str) -> dict[str, str]:
    """Every frame word in lang (English where its catalogue lacks one)."""
    with translation.override(lang):
        return {key: str(words) for key, words in WORDS.items()}


def language_name(lang: str) -> str:
    return LANGUAGE_NAMES.get(lang, lang)
