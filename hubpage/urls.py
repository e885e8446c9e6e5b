from django.urls import path

from . import views

urlpatterns = [
    path("", views.hub_page, name="hub"),
    path("feed.atom", views.hub_feed, name="hub_feed"),
    path("hub.json", views.hub_json, name="hub_json"),
    path("updates/", views.post_update, name="hub_post_update"),
]
