from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.crisis_room, name="crisis_room"),
    path("switch/", views.switch, name="crisis_switch"),
    path("deactivate/", views.deactivate, name="crisis_deactivate"),
    path("tasks/<int:task_id>/", views.toggle_task, name="task_toggle"),
    path("", include("playbooks.review_urls")),
]
