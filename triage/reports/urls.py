from django.urls import path

from triage.reports import views as report_views

urlpatterns = [
    path("", report_views.period_report, name="reports"),
    path("<slug:table>.csv", report_views.period_csv, name="reports_csv"),
    path("crisis/<int:crisis_id>/", report_views.crisis_report, name="crisis_report"),
    path("crisis/<int:crisis_id>/<slug:table>.csv", report_views.crisis_csv, name="crisis_report_csv"),
]
