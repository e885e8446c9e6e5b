"""Read-only questions other apps ask of the hub page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation.trans_real import parse_accept_lang_header

from playbooks.models import Crisis, Phase
from playbooks.selectors import active_crisis

from .models import HubPage, HubUpdate, HubWrite, Subscriber


def languages() -> tuple[str, ...]:
    """The published languages as lower-case tags ("en", "zh-hans"): the URLs and folders use them."""
    return tuple(code.strip().lower() for code in settings.HUB_LANGUAGES if code.strip()) or ("en",)


def default_language() -> str:
    return languages()[0]


def published_language(lang: str | None) -> str:
    """lang if the hub is published in it, else the default: what a subscriber whose language was
    dropped from HUB_LANGUAGES, or a forged form, gets."""
    lang = (lang or "").lower()
    return lang if lang in languages() else default_language()


def hub_url(*, lang: str | None = None, anchor: str | None = None) -> str:
    """The public address replies link to: the page (per language) and optionally one FAQ answer.

    A language the hub is not published in gets the default page, which picks by Accept-Language.
    """
    url = f"{settings.PUBLIC_BASE_URL}/hub/"
    published = match_language(lang or "")
    if published:
        url += f"{published}/"
    if anchor:
        url += f"#{anchor}"
    return url


def pick_language(accept_language: str) -> str:
    """The best published language for an Accept-Language header.

    The whole tag first ("zh-hans"), then its primary subtag against the published tags'
    ("fr-CH" reads "fr", "zh-CN" and "zh" read "zh-hans"): the choice nginx's $hub_lang map makes.
    """
    for code, _quality in parse_accept_lang_header(accept_language or ""):
        published = match_language(code)
        if published:
            return published
    return default_language()


def match_language(code: str) -> str | None:
    """The published language a tag reads ("zh-CN" -> "zh-hans", "fr-CH" -> "fr"), or None."""
    code, published = code.strip().lower().replace("_", "-"), languages()
    if code in published:
        return code
    primary = code.split("-")[0]
    return next((tag for tag in published if tag.split("-")[0] == primary), None) if primary else None


def page_title(crisis, lang: str) -> str:
    """The crisis's title as its page in lang shows it: the default language's until written."""
    default = default_language()
    titles = dict(crisis.hub_contents.filter(lang__in=[lang, default]).values_list("lang", "title"))
    return titles.get(lang) or titles.get(default) or crisis.title


def update_audience(update):
    """The active subscribers an update is mailed to: those whose page in their language shows it.

    That page shows its own language's updates or, until the lead has written one in it, the
    default language's. So an update reaches its language's subscribers and, when it is in the
    default language, also those of each language with no update of its own in this crisis yet.
    "Yet" means posted before this update, so every batch of one update has the same audience.
    A subscriber whose language is no longer published counts as one of the default language.
    """

    default, langs = default_language(), {update.lang}
    if update.lang == default:
        earlier = HubUpdate.objects.filter(crisis_id=update.crisis_id, pk__lt=update.pk)
        written = set(earlier.values_list("lang", flat=True).distinct())
        langs |= {code for code in languages() if code not in written}
    wanted = Q(lang__in=langs)
    if default in langs:
        wanted |= ~Q(lang__in=languages())
    return Subscriber.objects.filter(wanted, confirmed_at__isnull=False, unsubscribed_at__isnull=True)


def hub_crisis():
    """The crisis the hub page is about: the active one, else one still in its aftermath."""

    crisis = active_crisis()
    if crisis is None:
        crisis = Crisis.objects.filter(phase=Phase.AFTERMATH).order_by("-activated_at").first()
    return crisis


def next_update_status(crisis, now: datetime | None = None) -> tuple[datetime | None, bool]:
    """When the hub page promised its next update, and whether that time passed with none posted.

    Any update (any language) posted at or after the promised time counts: the page said
    "by 18:00", so an update at 18:05 ends the overdue state. One posted before the time
    does not keep a promise that is still on the page.
    """

    if crisis is None:
        return None, False
    due = HubPage.objects.filter(crisis=crisis).values_list("next_update_at", flat=True).first()
    if due is None:
        return None, False
    now = now or timezone.now()
    overdue = due <= now and not HubUpdate.objects.filter(crisis=crisis, posted_at__gte=due).exists()
    return due, overdue


# A write normally lands within a second of the commit; a page still behind after this long
# without an error means the write was lost (a process died after committing): said as well.
LOST_WRITE_AFTER = timedelta(seconds=30)


@dataclass(frozen=True)
class WriteStatus:
    behind: int  # changes committed to the database that the public page does not show yet
    written_at: datetime | None
    failed_at: datetime | None
    error: str
    attempts: int

    @property
    def warn(self) -> bool:
        """Whether to tell the lead: the page is behind and a write failed (or went missing)."""
        return self.behind > 0 and (bool(self.error) or self.failed_at is not None)


def write_status(now: datetime | None = None) -> WriteStatus:
    """Is the public page as new as the database? (hubpage.models.HubWrite)"""
    row = HubWrite.objects.filter(pk=1).first()
    if row is None:
        return WriteStatus(0, None, None, "", 0)
    now = now or timezone.now()
    lost = row.behind > 0 and row.changed_at is not None and row.changed_at < now - LOST_WRITE_AFTER
    return WriteStatus(
        behind=row.behind,
        written_at=row.written_at,
        failed_at=row.failed_at or (row.changed_at if lost else None),
        error=row.error,
        attempts=row.attempts,
    )


def write_retry_due(status: WriteStatus, now: datetime | None = None) -> bool:
    """Whether the beat repair should try again now: behind, and the backoff after the last
    failure (2, 4, 8 ... 60 s) has passed."""
    if status.behind == 0:
        return False
    if status.failed_at is None or not status.error:
        return True
    wait = timedelta(seconds=min(60, 2 ** max(1, status.attempts)))
    return (now or timezone.now()) >= status.failed_at + wait
