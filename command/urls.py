"""The crisis room, the switch and the review: pages that draw on every app (under /playbooks/)."""

from django.urls import include, path

from command import api, views
from command.crisis_room import guests as guest_views
from command.crisis_room import views as room_views

urlpatterns = [
    path("", views.crisis_room, name="crisis_room"),
    path("switch/", views.switch, name="crisis_switch"),
    path("deactivate/", views.deactivate, name="crisis_deactivate"),
    path("tasks/<int:task_id>/", room_views.toggle_task, name="task_toggle"),
    path("crises/", room_views.crisis_list, name="crisis_list"),
    path("crises/<int:crisis_id>/", room_views.crisis_checklist, name="crisis_checklist"),
    path("crises/<int:crisis_id>/outbound/", room_views.crisis_outbound, name="crisis_outbound"),
    path(
        "crises/<int:crisis_id>/outbound/retry/", room_views.retry_failed_pauses, name="crisis_retry_pauses"
    ),
    path(
        "crises/<int:crisis_id>/outbound/broadcast/retry/",
        room_views.retry_broadcast,
        name="crisis_retry_broadcast",
    ),
    path("crises/<int:crisis_id>/outbound/resume/", room_views.resume_outbound, name="crisis_resume"),
    path("crises/<int:crisis_id>/departments/", room_views.crisis_departments, name="crisis_departments"),
    path(
        "crises/<int:crisis_id>/departments/retry/",
        room_views.retry_deliveries,
        name="crisis_retry_deliveries",
    ),
    path("crises/<int:crisis_id>/hub/", room_views.crisis_hub, name="crisis_hub"),
    path("crises/<int:crisis_id>/print/", room_views.crisis_print, name="crisis_print"),
    path("crises/<int:crisis_id>/report/", room_views.drill_report, name="drill_report"),
    path("crises/<int:crisis_id>/phase/", room_views.change_phase, name="crisis_phase"),
    path("crises/<int:crisis_id>/guests/", guest_views.invite_guest, name="drill_guest_invite"),
    path(
        "crises/<int:crisis_id>/guests/<int:guest_id>/revoke/",
        guest_views.revoke_guest,
        name="drill_guest_revoke",
    ),
    path("guest/<str:token>/", guest_views.guest_room, name="drill_guest"),
    path("guest/<str:token>/hub/", guest_views.guest_hub, name="drill_guest_hub"),
    path("plan/<str:token>/", guest_views.shared_plan, name="shared_plan"),
    path("scenarios/<int:scenario_id>/print/", room_views.scenario_print, name="scenario_print"),
    path("", include("command.review.urls")),
]

api_urlpatterns = [
    path("scenarios/", api.ScenarioListView.as_view(), name="api_scenarios"),
    path("crisis/", api.CrisisStateView.as_view(), name="api_crisis"),
    path("crisis/activate/", api.ActivateView.as_view(), name="api_crisis_activate"),
    path("crisis/deactivate/", api.DeactivateView.as_view(), name="api_crisis_deactivate"),
    path("crises/<int:pk>/phase/", api.PhaseView.as_view(), name="api_crisis_phase"),
    path("", include("command.review.api_urls")),
]
