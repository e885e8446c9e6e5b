"""The hub page's own words per language (the lead writes the content; these are the frame).

A plain table rather than gettext catalogues: the page is rendered once per change into
static files, and an organisation adds a language by adding one dict here. The subscription
pages and mails (keys "sub_", "err_", "mail_") use the same table, so a subscriber reads the
whole flow in the language of the page they subscribed from.
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
    # Email subscription: the pages after the form, the mails.
    "sub_title": "Email updates",
    "sub_check_inbox": "Check your inbox: we sent a link to confirm. Nothing is sent until you confirm.",
    "sub_confirm": "Press the button to start getting updates by email.",
    "sub_confirm_button": "Confirm my subscription",
    "sub_confirmed": "Confirmed. You will get an email with each update. "
    "Every email has a one-click unsubscribe link.",
    "sub_unsubscribe": "Stop getting updates by email?",
    "sub_unsubscribe_button": "Unsubscribe",
    "sub_unsubscribed": "You are unsubscribed. You will get no more emails from us.",
    "sub_address": "Address: {email}",
    "sub_back": "Back to the updates page",
    "err_email": "That does not look like an email address.",
    "err_rate": "Too many subscription requests from here. Please try again in an hour.",
    "err_expired": "This link has expired. Subscribe again to get a new one.",
    "err_invalid": "This link is not valid.",
    "mail_confirm_subject": "{organisation}: confirm your subscription",
    "mail_confirm_asked": "Someone, probably you, asked to get {organisation}'s crisis updates by email.",
    "mail_confirm_open": "To confirm, open this link and press the button:",
    "mail_confirm_ignore": "If it was not you, ignore this mail: nothing will be sent.",
    "mail_always_on": "The updates are always on this page:",
    "mail_update_subject": "{organisation}: {title}",
    "mail_read_all": "Read all updates",
    "mail_unsubscribe": "Unsubscribe",
    "mail_unsubscribe_one_click": "Unsubscribe (one click)",
    "mail_untranslated": "This update has not been translated yet.",
}

FR = {
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
    "no_updates": "Nous sommes au courant du problème et y travaillons. La prochaine mise à jour suivra ici.",
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
    "sub_title": "Mises à jour par e-mail",
    "sub_check_inbox": "Consultez votre boîte de réception : nous vous avons envoyé un lien de "
    "confirmation. Rien ne vous sera envoyé avant votre confirmation.",
    "sub_confirm": "Appuyez sur le bouton pour recevoir les mises à jour par e-mail.",
    "sub_confirm_button": "Confirmer mon abonnement",
    "sub_confirmed": "C'est confirmé. Vous recevrez un e-mail à chaque mise à jour. "
    "Chaque e-mail contient un lien de désabonnement en un clic.",
    "sub_unsubscribe": "Ne plus recevoir les mises à jour par e-mail ?",
    "sub_unsubscribe_button": "Se désabonner",
    "sub_unsubscribed": "Vous êtes désabonné. Vous ne recevrez plus d'e-mails de notre part.",
    "sub_address": "Adresse : {email}",
    "sub_back": "Retour à la page des mises à jour",
    "err_email": "Cette adresse e-mail ne semble pas valide.",
    "err_rate": "Trop de demandes d'abonnement depuis cette connexion. Réessayez dans une heure.",
    "err_expired": "Ce lien a expiré. Abonnez-vous à nouveau pour en recevoir un nouveau.",
    "err_invalid": "Ce lien n'est pas valide.",
    "mail_confirm_subject": "{organisation} : confirmez votre abonnement",
    "mail_confirm_asked": "Quelqu'un, probablement vous, a demandé à recevoir par e-mail les "
    "mises à jour de crise de {organisation}.",
    "mail_confirm_open": "Pour confirmer, ouvrez ce lien et appuyez sur le bouton :",
    "mail_confirm_ignore": "Si ce n'était pas vous, ignorez cet e-mail : rien ne vous sera envoyé.",
    "mail_always_on": "Les mises à jour sont toujours sur cette page :",
    "mail_update_subject": "{organisation} : {title}",
    "mail_read_all": "Lire toutes les mises à jour",
    "mail_unsubscribe": "Se désabonner",
    "mail_unsubscribe_one_click": "Se désabonner (en un clic)",
    "mail_untranslated": "Cette mise à jour n'a pas encore été traduite.",
}

DE = {
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
    "sub_title": "Aktualisierungen per E-Mail",
    "sub_check_inbox": "Sehen Sie in Ihr Postfach: Wir haben Ihnen einen Bestätigungslink "
    "geschickt. Bis zu Ihrer Bestätigung senden wir nichts.",
    "sub_confirm": "Drücken Sie die Schaltfläche, um Aktualisierungen per E-Mail zu erhalten.",
    "sub_confirm_button": "Abonnement bestätigen",
    "sub_confirmed": "Bestätigt. Sie erhalten zu jeder Aktualisierung eine E-Mail. "
    "Jede E-Mail enthält einen Link zur Abmeldung mit einem Klick.",
    "sub_unsubscribe": "Keine Aktualisierungen per E-Mail mehr erhalten?",
    "sub_unsubscribe_button": "Abmelden",
    "sub_unsubscribed": "Sie sind abgemeldet. Sie erhalten keine E-Mails mehr von uns.",
    "sub_address": "Adresse: {email}",
    "sub_back": "Zurück zur Seite mit den Aktualisierungen",
    "err_email": "Das sieht nicht nach einer E-Mail-Adresse aus.",
    "err_rate": "Zu viele Anmeldungen von diesem Anschluss. Bitte versuchen Sie es in einer Stunde erneut.",
    "err_expired": "Dieser Link ist abgelaufen. Melden Sie sich erneut an, um einen neuen zu erhalten.",
    "err_invalid": "Dieser Link ist ungültig.",
    "mail_confirm_subject": "{organisation}: Bitte bestätigen Sie Ihr Abonnement",
    "mail_confirm_asked": "Jemand, wahrscheinlich Sie, möchte die Krisen-Aktualisierungen von "
    "{organisation} per E-Mail erhalten.",
    "mail_confirm_open": "Zum Bestätigen öffnen Sie diesen Link und drücken die Schaltfläche:",
    "mail_confirm_ignore": "Wenn Sie das nicht waren, ignorieren Sie diese E-Mail: Wir senden nichts.",
    "mail_always_on": "Die Aktualisierungen stehen immer auf dieser Seite:",
    "mail_update_subject": "{organisation}: {title}",
    "mail_read_all": "Alle Aktualisierungen lesen",
    "mail_unsubscribe": "Abmelden",
    "mail_unsubscribe_one_click": "Abmelden (mit einem Klick)",
    "mail_untranslated": "Diese Aktualisierung ist noch nicht übersetzt.",
}

# Each language gives every key (a test checks); **EN only guards a page against a key added
# to EN before its translations.
LABELS: dict[str, dict[str, str]] = {"en": EN, "fr": {**EN, **FR}, "de": {**EN, **DE}}


def labels_for(lang: str) -> dict[str, str]:
    return LABELS.get(lang, EN)


def language_name(lang: str) -> str:
    return LANGUAGE_NAMES.get(lang, lang)
