"""The whole playbook travels in the file: hub page text and FAQ per scenario, reply templates,
curated tags and the watchlist, exported, validated and imported with departments and scenarios."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from hubpage.models import FaqTopic, ScenarioFaq, ScenarioHubText
from playbooks import portable
from playbooks.demo import PLAYBOOK
from playbooks.models import Department, Scenario
from tests.factories import ReplyTemplateFactory, TagFactory, WatchedAuthorFactory
from triage.models import AuthorKind, ReplyTemplate, Tag, Tier, WatchedAuthor

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=out)
    return out.getvalue()


@pytest.fixture
def playbook():
    """An install with every kind of row the file carries."""
    portable.import_data(PLAYBOOK)
    rail = Scenario.objects.get(name="Rail signal failure")
    for lang, title in [("en", "Trains stopped on the main line"), ("fr", "Trains arrêtés sur la ligne")]:
        ScenarioHubText.objects.create(
            scenario=rail,
            lang=lang,
            title=title,
            what_happened="A signal failure stopped trains.",
            what_you_should_do="Take the **replacement buses**.",
            contacts="Phone: 0800 123",
        )
    ScenarioFaq.objects.create(
        scenario=rail,
        lang="en",
        topic=FaqTopic.REFUNDS,
        anchor="refunds",
        question="Refund?",
        answer="Yes, two ways:\n- online\n- at the station desk  \n",
        order=2,
    )
    ScenarioFaq.objects.create(
        scenario=rail,
        lang="en",
        topic=FaqTopic.SCHEDULES,
        anchor="when",
        question="When?",
        answer="By 18:00.\nThen every hour.",
        order=1,
    )
    ScenarioFaq.objects.create(
        scenario=rail,
        lang="fr",
        topic=FaqTopic.REFUNDS,
        anchor="refunds",
        question="Remboursé ?",
        answer="Oui.",
        order=3,
    )
    ReplyTemplateFactory(
        name="Rail apology",
        scenario=rail,
        body="Sorry {name}, updates: {hub_link}\n---\nWe are sorry, {name}. See {faq:refunds}",
    )
    ReplyTemplateFactory(name="Injury follow-up", tier=Tier.EXPERT, body="Please DM us, {name}.")
    TagFactory(name="refund")
    TagFactory(name="injury")
    TagFactory(name="typo-by-agent", curated=False)  # a free tag: not the admin's list
    WatchedAuthorFactory(platform="x", handle="RailReporter", kind=AuthorKind.JOURNALIST, note="BBC")
    WatchedAuthorFactory(platform="", handle="citynews", kind=AuthorKind.NEWS_MEDIA)
    WatchedAuthorFactory(platform="mastodon", handle="transport_ministry", kind=AuthorKind.PUBLIC_BODY)
    return rail


def wipe() -> None:
    for model in (ReplyTemplate, Tag, WatchedAuthor, Scenario, Department):
        model.objects.all().delete()


def test_the_file_carries_hub_text_faq_templates_tags_and_watchlist_and_round_trips(playbook, tmp_path):
    path = tmp_path / "playbooks.yaml"
    run("export_playbooks", "--out", str(path))
    exported = portable.export_data()
    text = path.read_text()
    rail = next(s for s in exported["scenarios"] if s["name"] == "Rail signal failure")
    assert rail["hub_text"]["fr"]["title"] == "Trains arrêtés sur la ligne"
    assert [(f["lang"], f["anchor"]) for f in rail["hub_faq"]] == [
        ("en", "when"),
        ("en", "refunds"),
        ("fr", "refunds"),
    ]
    assert exported["reply_templates"][1] == {
        "name": "Rail apology",
        "tier": "first_line",
        "scenario": "Rail signal failure",
        "variants": ["Sorry {name}, updates: {hub_link}", "We are sorry, {name}. See {faq:refunds}"],
    }
    assert exported["tags"] == ["injury", "refund"]
    assert {"handle": "citynews", "platform": None, "kind": "news_media", "note": ""} in exported["watchlist"]
    assert "Take the **replacement buses**." in text
    assert "answer: |-\n      By 18:00.\n      Then every hour." in text  # multi-line text as typed

    wipe()
    assert not ScenarioHubText.objects.exists() and not ReplyTemplate.objects.exists()
    output = run("import_playbooks", str(path))
    assert (
        "created reply template Rail apology" in output and "created watched author @RailReporter" in output
    )
    assert portable.export_data() == exported
    apology = ReplyTemplate.objects.get(name="Rail apology")
    assert apology.scenario.name == "Rail signal failure" and len(apology.variants) == 2


def test_importing_the_same_file_twice_changes_nothing_and_keeps_template_ids(playbook, tmp_path):
    path = tmp_path / "playbooks.yaml"
    run("export_playbooks", "--out", str(path))
    ids = set(ReplyTemplate.objects.values_list("pk", flat=True))
    second = run("import_playbooks", str(path))
    assert "0 created, 0 updated" in second.splitlines()[-1]
    assert set(ReplyTemplate.objects.values_list("pk", flat=True)) == ids  # past replies keep their link
    assert ScenarioFaq.objects.count() == 3 and WatchedAuthor.objects.count() == 3


def test_a_scenario_in_the_file_gets_exactly_its_hub_rows_and_lists_merge_by_name(playbook):
    data = portable.export_data()
    rail = next(s for s in data["scenarios"] if s["name"] == "Rail signal failure")
    del rail["hub_text"]["fr"]
    rail["hub_faq"] = [{**rail["hub_faq"][0], "answer": "By 19:00 now."}]
    data["reply_templates"] = [{"name": "Storm apology", "variants": ["Sorry, {name}."]}]
    data["tags"] = ["delay"]
    data["watchlist"] = [{"handle": "railreporter", "platform": "x", "kind": "journalist", "note": "now ITV"}]
    report = portable.import_data(data)
    assert "updated scenario Rail signal failure (hub_text, hub_faq)" in report.lines
    assert "updated watched author @railreporter (handle, note)" in report.lines
    assert list(ScenarioHubText.objects.values_list("lang", flat=True)) == ["en"]
    assert list(ScenarioFaq.objects.values_list("answer", flat=True)) == ["By 19:00 now."]
    assert set(ReplyTemplate.objects.values_list("name", flat=True)) == {
        "Rail apology",
        "Injury follow-up",
        "Storm apology",
    }
    assert ReplyTemplate.objects.get(name="Storm apology").tier == Tier.FIRST_LINE
    assert set(Tag.objects.filter(curated=True).values_list("name", flat=True)) == {
        "refund",
        "injury",
        "delay",
    }
    assert WatchedAuthor.objects.get(platform="x").note == "now ITV"  # matched without regard to case
    assert WatchedAuthor.objects.count() == 3


def test_bad_fields_in_every_section_are_named_by_path_and_nothing_is_written(playbook, tmp_path):
    data = portable.export_data()
    rail = next(i for i, s in enumerate(data["scenarios"]) if s["name"] == "Rail signal failure")
    spec = data["scenarios"][rail]
    spec["hub_text"]["fr"]["title"] = ""
    spec["hub_text"]["English"] = spec["hub_text"]["en"]
    spec["hub_faq"][0]["topic"] = "weather"
    spec["hub_faq"][1]["anchor"] = "when"
    data["reply_templates"][0]["scenario"] = "Volcano"
    data["reply_templates"][1]["variants"] = []
    data["tags"].append("x" * 41)
    data["watchlist"][0]["kind"] = "blogger"
    data["watchlist"][1]["handle"] = "@citynews"
    data["watchlist"][2]["platform"] = "myspace"
    data["notes"] = "hello"
    path = tmp_path / "bad.yaml"
    path.write_text(portable.dump(data))
    before = portable.export_data()
    with pytest.raises(CommandError) as failed:
        run("import_playbooks", str(path))
    message = str(failed.value)
    for expected in (
        f"scenarios[{rail}].hub_text.fr.title: required text",
        f"scenarios[{rail}].hub_text.English: a language code such as en or fr, not 'English'",
        f"scenarios[{rail}].hub_faq[0].topic: one of refunds",
        f"scenarios[{rail}].hub_faq[1].anchor: 'when' appears twice in 'en'",
        "reply_templates[0].scenario: unknown scenario 'Volcano'",
        "reply_templates[1].variants: a list of at least one reply text",
        "tags[2]: at most 40 characters",
        "watchlist[0].kind: one of person, influencer, journalist, news_media, public_body",
        "watchlist[1].handle: without the @ ('citynews')",
        "watchlist[2].platform: one of x, mastodon",
        "(file): unknown keys notes",
    ):
        assert expected in message
    assert portable.export_data() == before


def test_dry_run_reports_the_sections_and_writes_nothing(playbook, tmp_path):
    data = portable.export_data()
    data["reply_templates"].append(
        {"name": "Storm apology", "tier": "expert", "scenario": None, "variants": ["Sorry."]}
    )
    data["watchlist"].append(
        {"handle": "weather_office", "platform": None, "kind": "public_body", "note": ""}
    )
    data["scenarios"][0]["hub_faq"] = []
    path = tmp_path / "p.yaml"
    path.write_text(portable.dump(data))
    before = portable.export_data()
    output = run("import_playbooks", str(path), "--dry-run")
    assert "would have created reply template Storm apology" in output
    assert "would have created watched author @weather_office" in output
    assert "dry run, nothing written" in output
    assert portable.export_data() == before


def test_a_file_without_the_new_sections_leaves_those_rows_alone(playbook):
    portable.import_data(PLAYBOOK)  # an older, hand-written file: only departments and scenarios
    assert ScenarioHubText.objects.count() == 2 and ScenarioFaq.objects.count() == 3
    assert ReplyTemplate.objects.count() == 2 and WatchedAuthor.objects.count() == 3


def test_a_file_of_chosen_playbooks_carries_only_their_templates_and_imports_elsewhere(playbook):
    data = portable.export_data(Scenario.objects.filter(name="Severe weather"))
    assert [t["name"] for t in data["reply_templates"]] == ["Injury follow-up"]  # no scenario: for all
    wipe()
    portable.import_data(data)
    assert list(ReplyTemplate.objects.values_list("name", flat=True)) == ["Injury follow-up"]
