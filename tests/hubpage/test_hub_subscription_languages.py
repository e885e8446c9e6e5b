"""The subscription flow speaks the language of the hub page the subscriber came from."""

import html
import re
import string

import pytest
from django.test import Client
from django.utils import timezone

from command import flows
from hubpage import labels, services, subscriptions, tasks
from hubpage.models import HubContent, ScenarioHubText, Subscriber


def subscribe(email="claire@example.org", lang="fr", ip="203.0.113.7"):
    return Client(enforce_csrf_checks=True).post(
        "/hub/subscribe/", {"email": email, "lang": lang}, REMOTE_ADDR=ip
    )


def link(mail, kind: str) -> str:
    return re.search(rf"http://localhost:8000(/hub/{kind}/[^/\s]+/)", mail.body).group(1)


def text(response) -> str:
    return html.unescape(response.content.decode())


def subscriber(email: str, lang: str) -> Subscriber:
    now = timezone.now()
    return Subscriber.objects.create(email=email, lang=lang, created_at=now, confirmed_at=now)


@pytest.fixture
def french_scenario(scenario):
    ScenarioHubText.objects.create(
        scenario=scenario,
        lang="fr",
        title="Perturbation sur la ligne principale",
        what_happened="Une panne de signalisation a arrêté les trains.",
    )
    return scenario


def post_update(lead, body: str, lang: str):
    return services.post_update(body=body, by=lead, lang=lang)  # its on_commit work does not run here


def mailed(update, outbox) -> dict[str, object]:
    outbox.clear()
    while tasks.notify_subscribers(update.pk):
        pass
    return {mail.to[0]: mail for mail in outbox}


@pytest.mark.django_db
def test_a_french_subscriber_gets_the_whole_flow_in_french(lead, french_scenario, mailoutbox):
    page = subscribe()
    assert page.status_code == 200 and page["Content-Language"] == "fr"
    assert '<html lang="fr">' in text(page) and "Consultez votre boîte de réception" in text(page)
    claire = Subscriber.objects.get()
    assert claire.lang == "fr"  # from the page the form was on

    subscriptions.send_confirmation(claire.pk)
    (confirmation,) = mailoutbox
    assert confirmation.subject == "Northline Rail : confirmez votre abonnement"
    assert "Pour confirmer, ouvrez ce lien" in confirmation.body
    assert "http://localhost:8000/hub/fr/" in confirmation.body
    assert confirmation.extra_headers["Content-Language"] == "fr"

    browser = Client(enforce_csrf_checks=True)
    confirm_page = browser.get(link(confirmation, "subscribe/confirm"))
    assert '<html lang="fr">' in text(confirm_page)
    assert "Confirmer mon abonnement" in text(confirm_page) and "Confirm my" not in text(confirm_page)
    assert "Adresse : claire@example.org" in text(confirm_page)
    assert browser.post(link(confirmation, "subscribe/confirm")).status_code == 403  # CSRF stays on
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text(confirm_page)).group(1)
    done = browser.post(link(confirmation, "subscribe/confirm"), {"csrfmiddlewaretoken": token})
    assert "C'est confirmé" in text(done)
    claire.refresh_from_db()
    assert claire.active

    kate = subscriber("kate@example.org", "en")
    flows.activate(scenario=french_scenario, by=lead)
    french = post_update(lead, "Des bus **toutes les 10 minutes**.", "fr")
    mails = mailed(french, mailoutbox)
    assert set(mails) == {claire.email}  # a French update goes to French subscribers only
    mail = mails[claire.email]
    assert mail.subject == "Northline Rail : Perturbation sur la ligne principale"
    assert "toutes les 10 minutes" in mail.body and "Lire toutes les mises à jour" in mail.body
    assert f"http://localhost:8000/hub/fr/#update-{french.pk}" in mail.body
    assert "pas encore été traduite" not in mail.body
    body = mail.alternatives[0][0]
    assert '<html lang="fr">' in body and "<strong>toutes les 10 minutes</strong>" in body
    assert ">Se désabonner</a>" in body

    english = post_update(lead, "Buses every 10 minutes.", "en")
    assert set(mailed(english, mailoutbox)) == {kate.email}  # the French page has its own updates now

    leave = re.fullmatch(
        r"<http://localhost:8000(/hub/unsubscribe/[^>]+/)>", mail.extra_headers["List-Unsubscribe"]
    )
    ask = Client().get(leave.group(1))
    assert "Ne plus recevoir les mises à jour" in text(ask) and ">Se désabonner</button>" in text(ask)
    gone = Client(enforce_csrf_checks=True).post(
        leave.group(1), "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert gone.status_code == 200 and "Vous êtes désabonné" in text(gone)
    claire.refresh_from_db()
    assert not claire.active


@pytest.mark.django_db
def test_the_english_flow_is_unchanged(lead, scenario, mailoutbox):
    page = subscribe(email="kate@example.org", lang="en")
    assert '<html lang="en">' in text(page) and "Check your inbox: we sent a link to confirm." in text(page)
    kate = Subscriber.objects.get()
    subscriptions.send_confirmation(kate.pk)
    assert mailoutbox[0].subject == "Northline Rail: confirm your subscription"
    assert mailoutbox[0].body.startswith(
        "Someone, probably you, asked to get Northline Rail's crisis updates"
    )
    assert "Confirm my subscription" in text(Client().get(link(mailoutbox[0], "subscribe/confirm")))
    subscriptions.confirm(subscriptions.confirm_token(kate))
    flows.activate(scenario=scenario, by=lead)
    mail = mailed(post_update(lead, "Buses every 10 minutes.", "en"), mailoutbox)[kate.email]
    assert mail.subject == f"Northline Rail: {scenario_title(scenario)}"
    assert "Read all updates" in mail.body and "Unsubscribe (one click)" in mail.body
    assert "not been translated" not in mail.body


def scenario_title(scenario) -> str:
    return HubContent.objects.get(crisis__scenario=scenario, lang="en").title


@pytest.mark.django_db
def test_an_update_only_in_the_default_language_reaches_pages_that_show_it(
    lead, scenario, mailoutbox, settings
):
    """The French page shows the English updates until one is written in French; mail follows the page."""
    settings.HUB_LANGUAGES = ["en", "fr"]
    kate, claire, hans = (
        subscriber(f"{n}@example.org", n_lang)
        for n, n_lang in [("kate", "en"), ("claire", "fr"), ("hans", "de")]
    )
    flows.activate(scenario=scenario, by=lead)
    first = post_update(lead, "Trains are stopped.", "en")
    mails = mailed(first, mailoutbox)
    # German is not published (HUB_LANGUAGES is en, fr): Hans reads the default language's page.
    assert set(mails) == {kate.email, claire.email, hans.email}
    french_frame = mails[claire.email]
    assert "Cette mise à jour n'a pas encore été traduite." in french_frame.body
    assert "Trains are stopped." in french_frame.body and "Lire toutes les mises à jour" in french_frame.body
    assert '<div lang="en"><p>Trains are stopped.</p></div>' in french_frame.alternatives[0][0]
    assert "Lire toutes" not in mails[hans.email].body and "Read all updates" in mails[hans.email].body

    post_update(lead, "Les trains sont arrêtés.", "fr")
    later = post_update(lead, "Buses run.", "en")
    assert set(mailed(later, mailoutbox)) == {kate.email, hans.email}


@pytest.mark.django_db
def test_an_unknown_language_falls_back_to_the_default(settings, mailoutbox):
    page = subscribe(lang="tlh")
    assert '<html lang="en">' in text(page) and "Check your inbox" in text(page)
    assert Subscriber.objects.get().lang == "en"

    settings.HUB_LANGUAGES = ["fr", "en"]  # the default is the first, not English as such
    page = subscribe(email="other@example.org", lang="xx")
    assert '<html lang="fr">' in text(page) and Subscriber.objects.get(email="other@example.org").lang == "fr"
    dropped = subscriber("hans@example.org", "de")  # German was published once, not any more
    subscriptions.send_confirmation(Subscriber.objects.get(email="other@example.org").pk)
    assert mailoutbox[-1].subject == "Northline Rail : confirmez votre abonnement"
    leave = subscriptions.unsubscribe_url(dropped).removeprefix("http://localhost:8000")
    assert "Se désabonner" in text(Client().get(leave))


@pytest.mark.django_db
def test_errors_are_in_the_visitors_language(lead):
    assert "Cette adresse e-mail ne semble pas valide." in text(subscribe(email="pas-une-adresse"))
    bad = Client().get("/hub/subscribe/confirm/nonsense/", HTTP_ACCEPT_LANGUAGE="fr-CH, fr;q=0.9")
    assert bad.status_code == 400 and "Ce lien n'est pas valide." in text(bad)
    assert "Accept-Language" in bad["Vary"]
    assert "This link is not valid." in text(Client().get("/hub/unsubscribe/nonsense/"))
    for i in range(subscriptions.SOURCE_LIMIT):
        subscribe(email=f"p{i}@example.org")
    limited = subscribe(email="one.more@example.org")
    assert limited.status_code == 429 and "Réessayez dans une heure" in text(limited)


@pytest.mark.django_db
def test_what_the_lead_and_visitors_type_is_escaped(lead, french_scenario, mailoutbox):
    page = subscribe(email="kate@example.org", lang='fr"><script>alert(1)</script>').content.decode()
    assert "<script>" not in page and '<html lang="en">' in page
    odd = subscriber('"<script>alert(3)</script>"@example.org', "fr")  # a valid, quoted local part
    confirm_page = Client().get(subscriptions.confirm_url(odd).removeprefix("http://localhost:8000"))
    assert "<script>" not in confirm_page.content.decode()
    assert 'Adresse : "<script>alert(3)</script>"@example.org' in text(confirm_page)
    claire = subscriber("claire@example.org", "fr")
    flows.activate(scenario=french_scenario, by=lead)
    update = post_update(lead, "Bus <script>alert(2)</script> **ok**", "fr")
    assert HubContent.objects.filter(lang="fr").update(title="Panne <script>alert(1)</script>") == 1
    body = mailed(update, mailoutbox)[claire.email].alternatives[0][0]
    assert "<script>" not in body and "Panne &lt;script&gt;alert(1)&lt;/script&gt;" in body


@pytest.mark.parametrize("lang", ["fr", "de", "zh-hans"])
def test_every_language_says_every_label_with_the_same_placeholders(lang):
    own, english = labels.labels_for(lang), labels.labels_for("en")
    untranslated = [key for key in english if own[key] == english[key] and "{" not in english[key]]
    assert untranslated == [] or set(untranslated) <= {"date_full", "date_short", "colon", "full_stop"}

    def fields(words: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(words) if name}

    assert {key: fields(own[key]) for key in own} == {key: fields(english[key]) for key in own}
