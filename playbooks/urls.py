"""The roster and the crisis chat rooms (under /playbooks/)."""

from django.urls import path

from playbooks import helper_views, huddle_views, staffing
from playbooks.chat import views as chat_views

urlpatterns = [
    path("roster/", staffing.roster, name="roster"),
    path("training/", helper_views.training_page, name="training"),
    path("jump-seat/", helper_views.jump_seat, name="jump_seat"),
    path("ack/<str:token>/", huddle_views.acknowledge, name="huddle_ack"),
    path("callin/<str:token>/", huddle_views.roster_call, name="roster_call"),
    path("crises/<int:crisis_id>/rooms/", chat_views.rooms_index, name="crisis_rooms"),
    path("crises/<int:crisis_id>/rooms/<str:room>/", chat_views.room_page, name="crisis_room_chat"),
]
