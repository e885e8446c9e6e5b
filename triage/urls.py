"""The queue page and the reports (under /triage/)."""

from django.urls import include, path

from triage import views

urlpatterns = [
    path("", views.queue_page, name="triage"),
    path("reports/", include("triage.reports.urls")),
]
