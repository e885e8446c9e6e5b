"""The connector health page (under /social/)."""

from django.urls import path

from social import health_views

urlpatterns = [
    path("health/", health_views.health_page, name="connector_health"),
    path("health/table/", health_views.health_table, name="connector_health_table"),
]
