"""Crisis rooms as pages and as the service behind the websocket."""

import pytest
from django.test import Client

from command import flows
from core.roles import Role, grant
from playbooks.chat import services as rooms
from playbooks.models import Room, RoomMessage
from tests.conftest import make_user
from tests.review_helpers import closed_drill, logged_in

pytestmark = pytest.mark.django_db

XSS = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">'


@pytest.fixture
def crisis(scenario, lead):
    return flows.activate(scenario=scenario, by=lead, drill=True).crisis


def test_messages_are_kept_with_the_crisis_and_shown_escaped(crisis, agent, volunteer):
    rooms.post_message(crisis_id=crisis.pk, room=Room.TEAM, by=agent, body=f"  {XSS}  ")
    message = RoomMessage.objects.get()
    assert message.body == XSS and message.author == agent and message.crisis == crisis
    page = logged_in(volunteer).get(f"/playbooks/crises/{crisis.pk}/rooms/team/")
    text = page.content.decode()
    assert "&lt;script&gt;window.__xss = 1&lt;/script&gt;" in text
    assert "<script>window.__xss" not in text and "<img src=x" not in text


def test_the_plain_form_posts_without_javascript(crisis, volunteer):
    client = logged_in(volunteer)
    url = f"/playbooks/crises/{crisis.pk}/rooms/care/"
    response = client.post(url, {"body": "Refund questions are piling up"})
    assert response.status_code == 302
    assert RoomMessage.objects.get().room == Room.CARE
    assert "Refund questions are piling up" in client.get(url).content.decode()


def test_the_form_needs_a_csrf_token(crisis, agent):
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    response = client.post(f"/playbooks/crises/{crisis.pk}/rooms/team/", {"body": "hello"})
    assert response.status_code == 403 and not RoomMessage.objects.exists()


def test_too_long_empty_and_flooding_messages_are_refused_with_a_reason(crisis, agent):
    with pytest.raises(rooms.RoomError, match="limited to 2,000 characters"):
        rooms.post_message(crisis_id=crisis.pk, room=Room.TEAM, by=agent, body="x" * 2001)
    with pytest.raises(rooms.RoomError, match="Write a message"):
        rooms.post_message(crisis_id=crisis.pk, room=Room.TEAM, by=agent, body=" \n ")
    for n in range(rooms.RATE_COUNT):
        rooms.post_message(crisis_id=crisis.pk, room=Room.TEAM, by=agent, body=f"update {n}")
    with pytest.raises(rooms.RoomError, match="Slow down"):
        rooms.post_message(crisis_id=crisis.pk, room=Room.TEAM, by=agent, body="one more")
    assert RoomMessage.objects.count() == rooms.RATE_COUNT
    response = logged_in(agent).post(f"/playbooks/crises/{crisis.pk}/rooms/team/", {"body": "and another"})
    assert response.status_code == 400 and "Slow down" in response.content.decode()
    assert "and another" in response.content.decode()  # what they typed is not lost
    too_long = logged_in(agent).post(f"/playbooks/crises/{crisis.pk}/rooms/team/", {"body": "y" * 2001})
    assert too_long.status_code == 400 and "limited to 2,000 characters" in too_long.content.decode()


def test_the_social_care_room_is_for_the_queue_team(crisis, lead, agent, volunteer):
    guest = make_user("gus_guest")
    assert rooms.can_enter(volunteer, Room.CARE) and rooms.can_enter(agent, Room.CARE)
    assert not rooms.can_enter(guest, Room.CARE) and not rooms.can_enter(guest, Room.TEAM)
    with pytest.raises(rooms.RoomError, match="role"):
        rooms.post_message(crisis_id=crisis.pk, room=Room.CARE, by=guest, body="hi")
    grant(guest, Role.INTEGRATION)
    assert logged_in(guest).get(f"/playbooks/crises/{crisis.pk}/rooms/care/").status_code == 403
    assert logged_in(agent).get(f"/playbooks/crises/{crisis.pk}/rooms/nope/").status_code == 404


def test_an_ended_crisis_keeps_its_rooms_read_only(scenario, lead, agent):
    crisis = flows.activate(scenario=scenario, by=lead, drill=True).crisis
    rooms.post_message(crisis_id=crisis.pk, room=Room.TEAM, by=agent, body="Bus routes agreed")
    flows.deactivate(by=lead)
    with pytest.raises(rooms.RoomError, match="read-only"):
        rooms.post_message(crisis_id=crisis.pk, room=Room.TEAM, by=agent, body="late")
    page = logged_in(agent).get(f"/playbooks/crises/{crisis.pk}/rooms/team/").content.decode()
    assert "Bus routes agreed" in page and "read-only" in page and 'name="body"' not in page


def test_history_comes_in_pages_newest_last(crisis, agent, lead, volunteer):
    RoomMessage.objects.bulk_create(
        RoomMessage(
            crisis=crisis, room=Room.TEAM, author=agent, body=f"message {n}", posted_at=crisis.activated_at
        )
        for n in range(60)
    )
    page, more = rooms.history(crisis.pk, Room.TEAM)
    assert [m.body for m in page][:1] == ["message 10"] and page[-1].body == "message 59" and more
    older, more = rooms.history(crisis.pk, Room.TEAM, before=page[0].pk)
    assert [m.body for m in older] == [f"message {n}" for n in range(10)] and not more
    html = logged_in(volunteer).get(f"/playbooks/crises/{crisis.pk}/rooms/team/").content.decode()
    assert f'href="?before={page[0].pk}"' in html and "message 9<" not in html
    html = (
        logged_in(volunteer)
        .get(f"/playbooks/crises/{crisis.pk}/rooms/team/?before={page[0].pk}")
        .content.decode()
    )
    assert "message 9<" in html and "message 10<" not in html


def test_rooms_index_opens_the_first_room_the_user_may_enter(crisis, volunteer):
    response = logged_in(volunteer).get(f"/playbooks/crises/{crisis.pk}/rooms/")
    assert response["Location"] == f"/playbooks/crises/{crisis.pk}/rooms/team/"


def test_closed_drill_rooms_are_listed_with_the_review(scenario, lead):
    crisis = closed_drill(scenario, lead)
    page = logged_in(lead).get("/playbooks/reviews/").content.decode()
    assert f"/playbooks/crises/{crisis.pk}/review/" in page and "to do" in page
