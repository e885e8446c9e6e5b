"""The staff pages in Simplified Chinese: by the user's own choice, or by the browser's language."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from command.flows import activate
from core.language import SESSION_KEY
from core.models import Profile

pytestmark = pytest.mark.django_db

ZH_CN = {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9,en;q=0.5"}


def logged_in(user, language: str | None = None) -> Client:
    if language is not None:
        Profile.objects.update_or_create(user=user, defaults={"language": language})
    client = Client()
    client.force_login(user)
    return client


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_a_user_who_chose_chinese_gets_the_overview_queue_and_crisis_room_in_chinese(lead, scenario):
    crisis = activate(scenario=scenario, by=lead).crisis
    client = logged_in(lead, "zh-hans")

    overview = html(client.get("/"))
    assert '<html lang="zh-Hans" data-tz="Europe/London">' in overview
    assert "总览" in overview and "队列" in overview and "信息中心页面" in overview
    assert "危机 · " in overview  # the state bar
    assert "Open queue" not in overview and "打开队列" in overview

    queue = html(client.get("/triage/"))
    assert (
        "键盘快捷键" in queue and "认领适合我级别的下一条提及" in queue and "Keyboard shortcuts" not in queue
    )

    room = html(client.get(f"/playbooks/crises/{crisis.pk}/"))
    assert "检查清单" in room and "对外发布" in room and "打印检查清单" in room
    assert "Print checklist" not in room


def test_the_browser_language_decides_when_the_user_chose_none(agent):
    client = logged_in(agent, "")
    page = html(client.get("/", **ZH_CN))
    assert '<html lang="zh-Hans"' in page and "总览" in page
    assert client.get("/", **ZH_CN)["Content-Language"] == "zh-hans"
    english = html(client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8"))
    assert '<html lang="en"' in english and "Overview" in english


def test_the_login_page_follows_the_browser():
    page = html(Client().get("/accounts/login/", **ZH_CN))
    assert '<html lang="zh-Hans"' in page and "用户名" in page and "密码" in page


def test_the_users_own_choice_wins_over_the_browser(agent):
    page = html(logged_in(agent, "en").get("/triage/", **ZH_CN))
    assert '<html lang="en"' in page and "Keyboard shortcuts" in page


def test_choosing_a_language_saves_it_for_the_user_and_goes_back(agent):
    client = logged_in(agent)
    response = client.post("/i18n/language/", {"language": "zh-hans", "next": "/triage/"})
    assert response.status_code == 302 and response["Location"] == "/triage/"
    assert Profile.objects.get(user=agent).language == "zh-hans"
    assert "键盘快捷键" in html(client.get("/triage/"))
    # Blank: back to the browser's language, on this and every other device.
    client.post("/i18n/language/", {"language": "", "next": "/"})
    assert Profile.objects.get(user=agent).language == ""
    assert "Keyboard shortcuts" in html(client.get("/triage/", HTTP_ACCEPT_LANGUAGE="en"))


def test_the_language_choice_refuses_a_language_we_do_not_serve_and_a_foreign_next(agent):
    client = logged_in(agent)
    assert client.post("/i18n/language/", {"language": "xx", "next": "/"}).status_code == 400
    response = client.post("/i18n/language/", {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert client.get("/i18n/language/").status_code == 405


def test_a_choice_made_in_the_admin_applies_from_the_next_sign_in(agent):
    client = logged_in(agent, "")
    assert "Overview" in html(client.get("/"))
    Profile.objects.filter(user=agent).update(language="zh-hans")
    assert "Overview" in html(client.get("/"))  # this session remembers the choice it read
    session = client.session
    del session[SESSION_KEY]
    session.save()
    assert "总览" in html(client.get("/"))


def test_the_language_picker_shows_the_choice(agent):
    page = html(logged_in(agent, "zh-hans").get("/"))
    assert '<option value="zh-hans" lang="zh-hans" selected>简体中文</option>' in page
    assert '<option value="">跟随浏览器语言</option>' in page


def test_the_javascript_catalog_serves_chinese_and_the_same_date_formats(agent):
    script = logged_in(agent, "zh-hans").get("/i18n/catalog.js").content.decode()
    assert json.dumps("认领") in script and json.dumps("%(n)s 条新提及 — 按 . 显示") in script
    assert json.dumps("n月j日 H:i") in script and '"SHORT_DATETIME_SECONDS_FORMAT"' in script
    english = logged_in(agent, "en").get("/i18n/catalog.js").content.decode()
    assert '"SHORT_DATETIME_FORMAT": "j M H:i"' in english and json.dumps("认领") not in english


def test_server_dates_follow_the_language(lead, scenario):
    crisis = activate(scenario=scenario, by=lead).crisis
    page = html(logged_in(lead, "zh-hans").get("/playbooks/crises/"))
    local = crisis.activated_at.astimezone(ZoneInfo("Europe/London"))
    assert f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}" in page


def test_a_browser_revalidating_the_catalog_gets_a_304(agent):
    client = logged_in(agent, "zh-hans")
    first = client.get("/i18n/catalog.js?l=zh-hans")
    again = client.get("/i18n/catalog.js?l=zh-hans", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert first.status_code == 200 and again.status_code == 304
    assert "no-cache" in first["Cache-Control"]


def test_a_refusal_by_role_is_given_in_the_users_language(agent):
    refused = logged_in(agent, "zh-hans").post(
        "/api/v1/crisis/activate/", {}, content_type="application/json"
    )
    assert refused.status_code == 403 and refused.json()["detail"] == "只有传播负责人可以执行此操作。"
    english = logged_in(agent, "en").post("/api/v1/crisis/activate/", {}, content_type="application/json")
    assert english.json()["detail"] == "Only a comms lead can do this."


def test_the_403_page_says_why_in_the_users_language(volunteer):
    refused = logged_in(volunteer, "zh-hans").get("/playbooks/roster/")
    assert refused.status_code == 403
    assert "你的角色无权访问此页面。" in refused.content.decode()


def test_an_admin_sets_a_users_language_on_their_user_page(admin_client, agent):
    page = admin_client.get(f"/admin/auth/user/{agent.pk}/change/")
    assert page.status_code == 200 and 'name="profile-0-language"' in page.content.decode()
    form = {
        "username": agent.username,
        "is_active": "on",
        "groups": [g.pk for g in agent.groups.all()],
        "profile-TOTAL_FORMS": "1",
        "profile-INITIAL_FORMS": "0",
        "profile-0-language": "zh-hans",
    }
    saved = admin_client.post(f"/admin/auth/user/{agent.pk}/change/", form)
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    assert Profile.objects.get(user=agent).language == "zh-hans"
    assert "总览" in html(logged_in(agent).get("/"))

    profile = Profile.objects.get(user=agent)
    again = form | {"profile-INITIAL_FORMS": "1", "profile-0-id": profile.pk, "profile-0-user": agent.pk}
    refused = admin_client.post(f"/admin/auth/user/{agent.pk}/change/", again | {"profile-0-language": "xx"})
    [profile_errors] = refused.context["inline_admin_formsets"][0].formset.errors
    assert "language" in profile_errors and Profile.objects.get(user=agent).language == "zh-hans"
    assert (
        admin_client.post(
            f"/admin/auth/user/{agent.pk}/change/", again | {"profile-0-language": ""}
        ).status_code
        == 302
    )
    assert Profile.objects.get(user=agent).language == ""


def test_phase_buttons_editor_labels_and_audit_details_are_in_chinese(lead, scenario):
    crisis = activate(scenario=scenario, by=lead).crisis
    client = logged_in(lead, "zh-hans")

    room = html(client.get(f"/playbooks/crises/{crisis.pk}/"))
    assert "进入善后阶段" in room and "结束危机" in room and "Move to aftermath" not in room

    editor = html(client.get("/hub/edit/"))
    assert "发生了什么" in editor and "公众应该怎么做" in editor and "What you should do" not in editor

    trail = html(client.get(f"/playbooks/crises/{crisis.pk}/timeline/"))  # the details beside each entry
    assert "<span>演练: 否</span>" in trail and "Drill:" not in trail
