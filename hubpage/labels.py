"""The hub page's own words per language (the lead writes the content; these are the frame).

A plain table rather than gettext catalogues: the page is rendered once per change into
static files, and an organisation adds a language by adding one dict here.
"""

from __future__ import annotations

LANGUAGE_NAMES = {"en": "English", "fr": "Français", "de": "Deutsch", "es": "Español", "nl": "Nederlands"}

EN = {
    "skip": "Skip to content",
    "languages": "Language",
    "drill": "DRILL — this page is visible to staff only and is not public.",
    "aftermath": "The disruption is over. This page stays up to help with what follows.",
    "last_updated": "Last updated",
    "key_message": "Key message",
    "what_happened": "What happened",
    "who_is_affected": "Who is affected",
    "what_we_are_doing": "What we are doing",
    "what_you_should_do": "What you should do",
    "next_update": "When we will update next",
    "next_update_at": "Our next update will be by",
    "next_update_unknown": "We will update this page as soon as we know more.",
    "updates": "Updates",
    "no_updates": "We are aware of the problem and working on it. The next update will follow here.",
    "older_updates": "Older updates are in the feed.",
    "edited": "edited",
    "faq": "Questions and answers",
    "contacts": "Contact us",
    "follow": "Follow this page",
    "feed": "Atom feed",
    "json": "JSON for apps",
    "email": "Email address",
    "subscribe": "Get updates by email",
    "subscribe_button": "Subscribe",
    "subscribe_help": "We send a link to confirm. Every email has a one-click unsubscribe.",
    "calm_title": "No active incident",
    "calm": "All our services are running normally. If something goes wrong, this page will tell you "
    "what happened and what to do.",
    "past": "Past incidents",
    "status": "service status",
    "banner": "Service disruption: read the latest updates",
    "times": "Times in UTC and {zone}.",
}

LABELS: dict[str, dict[str, str]] = {
    "en": EN,
    "fr": {
        **EN,
        "skip": "Aller au contenu",
        "languages": "Langue",
        "drill": "EXERCICE — cette page n'est visible que par le personnel et n'est pas publique.",
        "aftermath": "La perturbation est terminée. Cette page reste en ligne pour vous aider ensuite.",
        "last_updated": "Dernière mise à jour",
        "key_message": "Message essentiel",
        "what_happened": "Ce qui s'est passé",
        "who_is_affected": "Qui est concerné",
        "what_we_are_doing": "Ce que nous faisons",
        "what_you_should_do": "Ce que vous devez faire",
        "next_update": "Prochaine mise à jour",
        "next_update_at": "Notre prochaine mise à jour au plus tard",
        "next_update_unknown": "Nous mettrons cette page à jour dès que nous en saurons plus.",
        "updates": "Mises à jour",
        "no_updates": "Nous sommes au courant du problème et y travaillons. "
        "La prochaine mise à jour suivra ici.",
        "older_updates": "Les mises à jour plus anciennes sont dans le flux.",
        "edited": "modifié",
        "faq": "Questions et réponses",
        "contacts": "Nous contacter",
        "follow": "Suivre cette page",
        "feed": "Flux Atom",
        "json": "JSON pour les applications",
        "email": "Adresse e-mail",
        "subscribe": "Recevoir les mises à jour par e-mail",
        "subscribe_button": "S'abonner",
        "subscribe_help": "Nous envoyons un lien de confirmation. "
        "Chaque e-mail permet de se désabonner en un clic.",
        "calm_title": "Aucun incident en cours",
        "calm": "Tous nos services fonctionnent normalement. En cas de problème, cette page vous dira "
        "ce qui s'est passé et quoi faire.",
        "past": "Incidents passés",
        "status": "état du service",
        "banner": "Perturbation en cours : lisez les dernières informations",
        "times": "Heures en UTC et {zone}.",
    },
    "de": {
        **EN,
        "skip": "Zum Inhalt springen",
        "languages": "Sprache",
        "drill": "ÜBUNG — diese Seite sehen nur Mitarbeitende, sie ist nicht öffentlich.",
        "aftermath": "Die Störung ist vorbei. Diese Seite hilft Ihnen bei allem, was folgt.",
        "last_updated": "Zuletzt aktualisiert",
        "key_message": "Wichtigste Nachricht",
        "what_happened": "Was ist passiert",
        "who_is_affected": "Wer ist betroffen",
        "what_we_are_doing": "Was wir tun",
        "what_you_should_do": "Was Sie tun sollten",
        "next_update": "Nächste Aktualisierung",
        "next_update_at": "Unsere nächste Aktualisierung spätestens",
        "next_update_unknown": "Wir aktualisieren diese Seite, sobald wir mehr wissen.",
        "updates": "Aktualisierungen",
        "no_updates": "Wir kennen das Problem und arbeiten daran. Die nächste Aktualisierung folgt hier.",
        "older_updates": "Ältere Aktualisierungen stehen im Feed.",
        "edited": "bearbeitet",
        "faq": "Fragen und Antworten",
        "contacts": "Kontakt",
        "follow": "Dieser Seite folgen",
        "feed": "Atom-Feed",
        "json": "JSON für Apps",
        "email": "E-Mail-Adresse",
        "subscribe": "Aktualisierungen per E-Mail",
        "subscribe_button": "Abonnieren",
        "subscribe_help": "Wir senden einen Bestätigungslink. "
        "Jede E-Mail enthält eine Abmeldung mit einem Klick.",
        "calm_title": "Keine aktuelle Störung",
        "calm": "Alle unsere Dienste laufen normal. Wenn etwas schiefgeht, erfahren Sie hier, was "
        "passiert ist und was zu tun ist.",
        "past": "Frühere Störungen",
        "status": "Dienststatus",
        "banner": "Störung: die neuesten Informationen lesen",
        "times": "Zeiten in UTC und {zone}.",
    },
}


def labels_for(lang: str) -> dict[str, str]:
    return LABELS.get(lang, EN)


def language_name(lang: str) -> str:
    return LANGUAGE_NAMES.get(lang, lang)
