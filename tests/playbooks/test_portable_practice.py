"""The practices travel in the playbook file (issue 16): the broadcast holding post, the
kick-off huddle, the drill schedule and the training links, per scenario and for every crisis."""

import json
from datetime import UTC, datetime

import pytest

from playbooks import portable
from playbooks.demo import PLAYBOOK
from playbooks.models import Department, Scenario, TrainingCompletion, TrainingLink

pytestmark = pytest.mark.django_db

NEXT_DRILL = datetime(2027, 3, 4, 9, 30, tzinfo=UTC)


@pytest.fixture
def practised():
    portable.import_data(PLAYBOOK)
    rail = Scenario.objects.get(name="Rail signal failure")
    rail.broadcast_text = "Trains are stopped on the main line. Updates on our page:"
    rail.huddle_call_url = "https://meet.example/crisis-bridge"
    rail.huddle_agenda = "What we know\nWho speaks\nNext update time"
    rail.drill_every_days = 90
    rail.next_drill_at = NEXT_DRILL
    rail.save()
    TrainingLink.objects.create(
        title="How we answer in a crisis", url="https://learn.example/care", minutes=6
    )
    TrainingLink.objects.create(scenario=rail, title="Rail: what to say", url="https://learn.example/rail")
    return rail


def test_the_practices_round_trip_through_the_yaml_file(practised, lead):
    exported = portable.export_data()
    text = portable.export_yaml()
    rail = next(s for s in exported["scenarios"] if s["name"] == "Rail signal failure")
    assert rail["practice"] == {
        "broadcast_text": "Trains are stopped on the main line. Updates on our page:",
        "huddle": {
            "call_url": "https://meet.example/crisis-bridge",
            "agenda": "What we know\nWho speaks\nNext update time",
        },
        "drills": {"every_days": 90, "next_at": "2027-03-04T09:30:00+00:00"},
    }
    assert {"title": "Rail: what to say", "url": "https://learn.example/rail", "minutes": 5} in rail[
        "training"
    ]
    assert exported["training"] == [
        {"title": "How we answer in a crisis", "url": "https://learn.example/care", "minutes": 6}
    ]
    assert "agenda: |-\n" in text

    TrainingLink.objects.all().delete()
    Scenario.objects.all().delete()
    Department.objects.all().delete()
    portable.import_data(portable.load_yaml(text))

    assert portable.export_data() == exported
    rail = Scenario.objects.get(name="Rail signal failure")
    assert rail.next_drill_at == NEXT_DRILL and rail.huddle_call_url.endswith("/crisis-bridge")


def test_a_json_file_imports_the_same(practised):
    exported = portable.export_data()
    Scenario.objects.filter(name="Rail signal failure").update(broadcast_text="", huddle_agenda="")
    portable.import_data(portable.load_yaml(json.dumps(exported)))
    assert portable.export_data() == exported


def test_importing_again_keeps_who_has_done_the_training(practised, volunteer):
    link = TrainingLink.objects.get(scenario__isnull=True)
    TrainingCompletion.objects.create(user=volunteer, link=link, completed_at=NEXT_DRILL)
    report = portable.import_data(portable.load_yaml(portable.export_yaml()))
    assert "unchanged training for every crisis" in report.lines
    assert TrainingCompletion.objects.filter(user=volunteer, link=link).exists()


def test_a_file_without_the_practices_leaves_them_alone(practised):
    data = portable.export_data()
    for spec in data["scenarios"]:
        spec.pop("practice", None)
    del data["training"]
    portable.import_data(data)
    rail = Scenario.objects.get(name="Rail signal failure")
    assert rail.drill_every_days == 90 and rail.broadcast_text
    assert TrainingLink.objects.filter(scenario__isnull=True).count() == 1


def test_bad_practice_values_are_named_with_their_path(practised):
    data = portable.export_data()
    rail = next(s for s in data["scenarios"] if s["name"] == "Rail signal failure")
    rail["practice"] = {
        "broadcast_text": "x" * 300,
        "huddle": {"call_url": "not a url"},
        "drills": {"every_days": 0, "next_at": "next tuesday"},
        "colour": "red",
    }
    data["training"] = [{"title": "", "url": "ftp://x"}]
    with pytest.raises(portable.PlaybookError) as raised:
        portable.validate(data)
    errors = "\n".join(raised.value.errors)
    for part in (
        ".practice.broadcast_text",
        ".practice.huddle.call_url",
        ".practice.drills.every_days",
        ".practice.drills.next_at",
        ".practice: unknown keys colour",
        "training[0].title",
        "training[0].url",
    ):
        assert part in errors
