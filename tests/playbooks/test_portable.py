"""Playbooks to a readable YAML file and back: idempotent by name, clear errors, nothing half-applied."""

from io import StringIO

import pytest
import yaml
from django.core.management import CommandError, call_command

from playbooks import portable
from playbooks.demo import PLAYBOOK
from playbooks.models import ChecklistItem, Contact, Department, Scenario

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=out)
    return out.getvalue()


def test_export_then_import_elsewhere_gives_the_same_playbooks(tmp_path):
    portable.import_data(PLAYBOOK)
    rail = Scenario.objects.get(name="Rail signal failure")
    Department.objects.filter(name="Legal").update(chat_webhook_url="https://hooks.example.org/secret-token")
    path = tmp_path / "playbooks.yaml"
    run("export_playbooks", "--out", str(path))
    text = path.read_text()
    assert "Rail signal failure" in text and "post_holding_statement" in text
    assert "secret-token" not in text  # webhook URLs are credentials
    exported = yaml.safe_load(text)

    # Another install: wipe and import.
    ChecklistItem.objects.all().delete()
    Scenario.objects.all().delete()
    Contact.objects.all().delete()
    Department.objects.all().delete()
    output = run("import_playbooks", str(path))
    assert "created scenario Rail signal failure" in output
    assert "created department Legal" in output
    assert portable.export_data() == exported
    rail = Scenario.objects.get(name="Rail signal failure")
    items = list(rail.checklist_items.select_related("department"))
    assert [i.department.name for i in items[:2]] == ["Social care", "Social care"]
    assert items[0].action == "pause_posts" and items[0].owner_role == "Social media lead"
    assert rail.kind == "outage" and rail.training.count() == 2
    assert rail.topic_keywords == {"refund": ["delay repay"], "schedule": ["replacement bus"]}


def test_importing_the_same_file_twice_changes_nothing(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(portable.dump(PLAYBOOK))
    run("import_playbooks", str(path))
    second = run("import_playbooks", str(path))
    assert "0 created, 0 updated, 10 unchanged" in second
    assert Scenario.objects.count() == 3 and Department.objects.count() == 7
    assert ChecklistItem.objects.count() == 13 + 2 + 2


def test_an_edited_file_updates_by_name_and_keeps_webhooks():
    portable.import_data(PLAYBOOK)
    Department.objects.filter(name="IT").update(chat_webhook_url="https://hooks.example.org/it")
    data = portable.export_data()
    data["scenarios"][0]["checklist"][0]["due_minutes"] = 2
    report = portable.import_data(data)
    assert f"updated scenario {data['scenarios'][0]['name']} (checklist)" in report.lines
    assert Department.objects.get(name="IT").chat_webhook_url == "https://hooks.example.org/it"


def test_bad_file_reports_each_field_with_its_path_and_imports_nothing(tmp_path):
    data = portable.export_data() | {
        "departments": [{"name": "Legal", "contacts": [{"name": "Helen", "email": "not-an-email"}]}],
        "scenarios": [
            {
                "name": "Flood",
                "kind": "flood",
                "hub": {"title": "Flooding", "summary": "Lines closed."},
                "checklist": [
                    {"title": "Call legal", "department": "Legal", "due_minutes": 10},
                    {"title": "Call IT", "department": "Lgal", "due_minutes": "soon", "action": "launch"},
                ],
            }
        ],
    }
    path = tmp_path / "bad.yaml"
    path.write_text(portable.dump(data))
    with pytest.raises(CommandError) as error:
        run("import_playbooks", str(path))
    message = str(error.value)
    assert "departments[0].contacts[0].email: not a valid email address: 'not-an-email'" in message
    assert "scenarios[0].kind: one of" in message
    assert "scenarios[0].checklist[1].department: unknown department 'Lgal'" in message
    assert "scenarios[0].checklist[1].due_minutes: a whole number of minutes" in message
    assert "scenarios[0].checklist[1].action: one of" in message
    assert not Department.objects.exists() and not Scenario.objects.exists()


def test_yaml_syntax_error_says_where(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("scenarios:\n  - name: [unclosed\n")
    with pytest.raises(CommandError, match=r"not valid YAML at line \d+"):
        run("import_playbooks", str(path))


def test_aliases_are_refused_before_they_can_expand(tmp_path):
    # Nine levels of ten aliases each would be a billion strings once expanded.
    lines = ['a0: &a0 "lol"'] + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    path = tmp_path / "laughs.yaml"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(CommandError, match=r"line 2, column \d+: aliases \(\*name\) are not allowed"):
        run("import_playbooks", str(path))


def test_a_list_shared_by_two_scenarios_is_written_out_twice():
    shared = ["safety", "delay"]
    data = {"scenarios": [{"name": "A", "topic_keywords": shared}, {"name": "B", "topic_keywords": shared}]}
    text = portable.dump(data)
    assert "&" not in text and "*" not in text
    assert portable.load_yaml(text) == data


def test_dry_run_reports_and_writes_nothing(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(portable.dump(PLAYBOOK))
    output = run("import_playbooks", str(path), "--dry-run")
    assert "would have created scenario Rail signal failure" in output
    assert "dry run, nothing written" in output
    assert not Scenario.objects.exists()


def test_other_apps_add_their_own_section(monkeypatch):
    store: dict[str, list] = {}
    monkeypatch.setattr(portable, "SECTIONS", {})
    portable.register_section(
        portable.Section(
            key="faq",
            export=lambda scenario: store.get(scenario.name),
            apply=lambda scenario, value: store.__setitem__(scenario.name, value),
            validate=lambda value, path: [] if isinstance(value, list) else [f"{path}: must be a list"],
        )
    )
    data = {**PLAYBOOK, "scenarios": [{**PLAYBOOK["scenarios"][1], "faq": [{"q": "Refunds?", "a": "Yes."}]}]}
    portable.import_data(data)
    assert store["Website outage"] == [{"q": "Refunds?", "a": "Yes."}]
    assert portable.export_data()["scenarios"][0]["faq"] == [{"q": "Refunds?", "a": "Yes."}]
    with pytest.raises(portable.PlaybookError, match=r"scenarios\[0\].faq: must be a list"):
        portable.import_data({**data, "scenarios": [{**data["scenarios"][0], "faq": "x"}]})
    with pytest.raises(ValueError, match="core scenario key"):
        portable.register_section(portable.Section(key="checklist", export=str, apply=print))


def test_admin_downloads_the_chosen_playbooks(admin_client):
    portable.import_data(PLAYBOOK)
    chosen = Scenario.objects.get(name="Severe weather")
    response = admin_client.post(
        "/admin/playbooks/scenario/", {"action": "download_playbooks", "_selected_action": [chosen.pk]}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="playbooks.yaml"'
    body = yaml.safe_load(response.content)
    assert [s["name"] for s in body["scenarios"]] == ["Severe weather"]


def test_admin_edits_departments_scenarios_and_the_roster(admin_client):
    portable.import_data(PLAYBOOK)
    rail = Scenario.objects.get(name="Rail signal failure")
    legal = Department.objects.get(name="Legal")
    for url in [
        f"/admin/playbooks/scenario/{rail.pk}/change/",
        f"/admin/playbooks/department/{legal.pk}/change/",
        "/admin/playbooks/department/",
        "/admin/playbooks/rosterentry/add/",
        "/admin/playbooks/crisis/",
    ]:
        response = admin_client.get(url)
        assert response.status_code == 200, url
    page = admin_client.get(f"/admin/playbooks/scenario/{rail.pk}/change/").content.decode()
    assert "Post the holding statement" in page and "Training links" in page and "topic_keywords" in page


def test_a_playbook_with_an_internal_webhook_url_is_refused(settings):
    settings.OUTBOUND_ALLOW_PRIVATE_HOSTS = False
    data = {"departments": [{"name": "IT", "chat_webhook_url": "http://127.0.0.1:8080/hook"}]}
    with pytest.raises(
        portable.PlaybookError, match=r"departments\[0\]\.chat_webhook_url: 127\.0\.0\.1 is not"
    ):
        portable.import_data(data, dry_run=True)
    assert not Department.objects.filter(name="IT").exists()


def test_a_departments_notification_language_travels_with_the_file():
    portable.import_data(PLAYBOOK)
    Department.objects.filter(name="Legal").update(language="zh-hans")
    exported = portable.export_data()
    Department.objects.filter(name="Legal").update(language="")
    report = portable.import_data(exported)
    assert "updated department Legal (language)" in report.lines
    assert Department.objects.get(name="Legal").language == "zh-hans"

    exported["departments"][0]["language"] = "klingon"
    with pytest.raises(
        portable.PlaybookError, match=r"departments\[0\]\.language: blank .* or one of en, zh-hans"
    ):
        portable.import_data(exported)


def test_admin_sets_who_is_in_a_department_and_its_language(admin_client, agent):
    legal = Department.objects.create(name="Legal")
    form = {
        "name": "Legal",
        "order": "3",
        "language": "zh-hans",
        "chat_format": legal.chat_format,
        "members": [agent.pk],
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
    }
    saved = admin_client.post(f"/admin/playbooks/department/{legal.pk}/change/", form)
    assert saved.status_code == 302, saved.context["adminform"].form.errors if saved.context else saved
    legal.refresh_from_db()
    assert legal.language == "zh-hans" and list(legal.members.all()) == [agent]

    refused = admin_client.post(f"/admin/playbooks/department/{legal.pk}/change/", form | {"language": "xx"})
    assert refused.status_code == 200 and "language" in refused.context["adminform"].form.errors
