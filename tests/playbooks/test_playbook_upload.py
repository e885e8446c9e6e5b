"""An admin uploads a playbook file: sees exactly what it would change, confirms, and it is applied
at once; a bad file shows every error with its path; nothing is written before the confirmation."""

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from core.roles import Role
from playbooks import portable, upload
from playbooks.demo import PLAYBOOK
from playbooks.models import ChecklistItem, Department, Scenario
from tests.conftest import make_user
from tests.factories import DepartmentFactory
from triage.models import Tag

pytestmark = pytest.mark.django_db

URL = "/admin/playbooks/scenario/import/"


def yaml_file(data, name="playbooks.yaml") -> SimpleUploadedFile:
    text = data if isinstance(data, str) else portable.dump(data)
    return SimpleUploadedFile(name, text.encode(), content_type="application/x-yaml")


@pytest.fixture
def edited():
    """The demo playbooks installed, and a file that adds a department and a tag and moves one due time."""
    portable.import_data(PLAYBOOK)
    data = portable.export_data()
    data["departments"].append({"name": "Press office", "order": 9, "contacts": []})
    rail = next(s for s in data["scenarios"] if s["name"] == "Rail signal failure")
    rail["checklist"][0]["due_minutes"] = 2
    data["tags"] = ["delay"]
    return data


def staff(username: str, *perms: str):
    user = make_user(username, Role.ADMIN)
    user.is_staff = True
    user.save()
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return get_user_model().objects.get(pk=user.pk)  # fresh permission cache


def test_the_scenario_list_offers_the_import(admin_client):
    page = admin_client.get("/admin/playbooks/scenario/").content.decode()
    assert f'href="{URL}"' in page and "Import playbook file" in page


def test_upload_previews_exactly_what_would_change_then_confirm_applies_it(admin_client, edited):
    response = admin_client.post(URL, {"file": yaml_file(edited)})
    assert response.status_code == 200
    preview = response.context["preview"]
    assert not preview.errors
    assert [str(e) for e in preview.report.entries if e.verb != "unchanged"] == [
        "created department Press office",
        "updated scenario Rail signal failure (checklist)",
        "created tag delay",
    ]
    page = response.content.decode()
    assert "Dry run of <strong>playbooks.yaml</strong>" in page
    assert "Department Press office" in page and "Scenario Rail signal failure" in page
    assert 'name="csrfmiddlewaretoken"' in page and 'name="token"' in page
    # Nothing is written by the preview.
    assert not Department.objects.filter(name="Press office").exists()
    assert not Tag.objects.filter(name="delay").exists()

    confirmed = admin_client.post(URL, {"token": preview.token})
    assert confirmed.status_code == 302 and confirmed["Location"] == "/admin/playbooks/scenario/"
    assert Department.objects.filter(name="Press office").exists()
    assert Tag.objects.get(name="delay").curated
    first = ChecklistItem.objects.filter(scenario__name="Rail signal failure").first()
    assert first.due_minutes == 2
    changelist = admin_client.get(confirmed["Location"]).content.decode()
    assert "Imported playbooks.yaml: 2 created, 1 updated" in changelist


def test_the_import_is_in_the_admin_history_of_each_row_it_changed(admin_client, edited):
    token = admin_client.post(URL, {"file": yaml_file(edited)}).context["preview"].token
    admin_client.post(URL, {"token": token})
    rail = Scenario.objects.get(name="Rail signal failure")
    entry = LogEntry.objects.get(object_id=str(rail.pk), content_type__model="scenario")
    assert entry.action_flag == CHANGE
    assert entry.get_change_message() == "Imported from playbooks.yaml (checklist)"
    assert LogEntry.objects.get(object_repr="Press office").action_flag == ADDITION
    assert LogEntry.objects.count() == 3  # the unchanged rows leave no trace
    history = admin_client.get(f"/admin/playbooks/scenario/{rail.pk}/history/").content.decode()
    assert "Imported from playbooks.yaml" in history


def test_invalid_file_shows_every_error_with_its_path_and_changes_nothing(admin_client, edited):
    edited["departments"][-1]["contacts"] = [{"name": "Ann", "email": "not-an-email"}]
    edited["scenarios"][0]["checklist"][1]["department"] = "Lgal"
    edited["tags"] = ["delay", "delay"]
    response = admin_client.post(URL, {"file": yaml_file(edited)})
    assert response.status_code == 200
    errors = response.context["preview"].errors
    assert errors == [
        "departments[7].contacts[0].email: not a valid email address: 'not-an-email'",
        "scenarios[0].checklist[1].department: unknown department 'Lgal'",
        "tags[1]: 'delay' appears twice",
    ]
    page = response.content.decode()
    assert "not a valid playbook; nothing was imported. 3 problems" in page
    assert "scenarios[0].checklist[1].department: unknown department &#x27;Lgal&#x27;" in page
    assert 'name="token"' not in page  # nothing to confirm
    assert not Department.objects.filter(name="Press office").exists()


def test_yaml_syntax_error_says_where(admin_client):
    response = admin_client.post(URL, {"file": yaml_file("scenarios:\n  - name: [unclosed\n")})
    [error] = response.context["preview"].errors
    assert error.startswith("(file): not valid YAML at line 3")
    assert not Scenario.objects.exists()


def test_a_file_that_matches_offers_nothing_to_confirm(admin_client):
    portable.import_data(PLAYBOOK)
    response = admin_client.post(URL, {"file": yaml_file(portable.export_yaml())})
    assert response.context["preview"].report.unchanged == 10
    assert "Nothing to import" in response.content.decode()
    assert 'name="token"' not in response.content.decode()


def test_oversized_file_is_refused_before_it_is_read(admin_client):
    big = "# " + "x" * upload.MAX_UPLOAD_BYTES + "\n"
    response = admin_client.post(URL, {"file": yaml_file(big, name="huge.yaml")})
    assert response.status_code == 200
    assert "preview" not in response.context
    [error] = response.context["form"].errors["file"]
    assert error.startswith("huge.yaml is 1.0\xa0MB; a playbook file may be at most 1.0\xa0MB.")
    assert "huge.yaml is 1.0" in response.content.decode()


def test_file_not_in_utf8_is_refused(admin_client):
    response = admin_client.post(URL, {"file": SimpleUploadedFile("p.yaml", "name: café".encode("latin-1"))})
    assert "is not UTF-8 text" in response.context["form"].errors["file"][0]


def test_people_without_the_admin_rights_cannot_import(client, lead, edited):
    # Not logged in, or logged in without staff status: the admin's login page.
    assert client.get(URL)["Location"].startswith("/admin/login/")
    client.force_login(lead)
    assert client.get(URL)["Location"].startswith("/admin/login/")
    assert client.post(URL, {"file": yaml_file(edited)})["Location"].startswith("/admin/login/")
    # Staff who may edit scenarios but not everything the file holds: refused, both steps.
    editor = staff(
        "sam_scenarios", "playbooks.add_scenario", "playbooks.change_scenario", "playbooks.view_scenario"
    )
    client.force_login(editor)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"file": yaml_file(edited)}).status_code == 403
    token = upload.preview(portable.dump(edited), file_name="p.yaml", user_id=editor.pk).token
    assert client.post(URL, {"token": token}).status_code == 403
    assert "Import playbook file" not in client.get("/admin/playbooks/scenario/").content.decode()
    assert not Department.objects.filter(name="Press office").exists()


def test_staff_with_every_permission_the_file_needs_may_import(client, edited):
    client.force_login(staff("ida_importer", *portable.required_permissions()))
    token = client.post(URL, {"file": yaml_file(edited)}).context["preview"].token
    assert client.post(URL, {"token": token}).status_code == 302
    assert Department.objects.filter(name="Press office").exists()


def test_the_forms_need_the_csrf_token(admin_user, edited):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    assert client.post(URL, {"file": yaml_file(edited)}).status_code == 403
    token = upload.preview(portable.dump(edited), file_name="p.yaml", user_id=admin_user.pk).token
    assert client.post(URL, {"token": token}).status_code == 403
    assert not Department.objects.filter(name="Press office").exists()


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda token, other: token[:-3] + "abc", id="altered"),
        pytest.param(lambda token, other: other, id="someone-elses"),
    ],
)
def test_a_confirmation_that_is_not_this_users_preview_is_refused(admin_client, admin_user, edited, spoil):
    text = portable.dump(edited)
    token = upload.preview(text, file_name="p.yaml", user_id=admin_user.pk).token
    other = upload.preview(text, file_name="p.yaml", user_id=admin_user.pk + 1).token
    response = admin_client.post(URL, {"token": spoil(token, other)}, follow=True)
    assert response.redirect_chain == [(URL, 302)]
    assert "upload the file" in response.content.decode()
    assert not Department.objects.filter(name="Press office").exists()


def test_an_old_preview_is_refused(admin_client, admin_user, edited, monkeypatch):
    token = upload.preview(portable.dump(edited), file_name="p.yaml", user_id=admin_user.pk).token
    monkeypatch.setattr(upload, "TOKEN_MAX_AGE_SECONDS", -1)
    response = admin_client.post(URL, {"token": token}, follow=True)
    assert "more than an hour old" in response.content.decode()
    assert not Department.objects.filter(name="Press office").exists()


def test_changes_made_after_the_preview_are_shown_again_not_applied(admin_client, edited):
    token = admin_client.post(URL, {"file": yaml_file(edited)}).context["preview"].token
    DepartmentFactory(name="Press office", order=1)  # someone else, in the meantime
    response = admin_client.post(URL, {"token": token})
    assert response.status_code == 200 and response.context["outdated"]
    assert "The playbooks changed since you previewed playbooks.yaml" in response.content.decode()
    fresh = response.context["preview"]
    assert "updated department Press office (order)" in fresh.report.lines
    assert Department.objects.get(name="Press office").order == 1  # not applied
    assert not Tag.objects.filter(name="delay").exists()
    # The new preview can be confirmed.
    assert admin_client.post(URL, {"token": fresh.token}).status_code == 302
    assert Department.objects.get(name="Press office").order == 9


def test_a_file_made_invalid_after_the_preview_shows_the_errors(admin_client, edited):
    edited["scenarios"][0]["departments"].append("Press office")
    del edited["departments"][-1]
    DepartmentFactory(name="Press office")
    token = admin_client.post(URL, {"file": yaml_file(edited)}).context["preview"].token
    Department.objects.filter(name="Press office").delete()
    response = admin_client.post(URL, {"token": token})
    assert response.context["outdated"]
    assert response.context["preview"].errors == [
        "scenarios[0].departments[7]: unknown department 'Press office'"
    ]
