from django.urls import path, re_path

from hubpage import api, editor, views

# A language tag as the hub publishes it: "fr", "zh-hans" (lower case; see views.hub_page_in).
LANG = r"(?P<lang>[a-zA-Z]{2,3}(?:-[a-zA-Z]{2,4})?)"

urlpatterns = [
    path("", views.hub_page, name="hub"),
    path("feed.atom", views.hub_file, {"name": "feed.atom"}, name="hub_feed"),
    path("hub.json", views.hub_file, {"name": "hub.json"}, name="hub_json"),
    path("banner.js", views.hub_file, {"name": "banner.js"}, name="hub_banner_js"),
    path("banner.html", views.hub_banner, {"name": "banner.html"}, name="hub_banner_html"),
    path("updates/", editor.post_update_from_room, name="hub_post_update"),
    path("edit/", editor.editor, name="hub_editor"),
    path("edit/preview/", editor.preview, name="hub_preview"),
    path("edit/updates/<int:pk>/", editor.edit_update, name="hub_edit_update"),
    path("subscribe/", views.subscribe, name="hub_subscribe"),
    path("subscribe/confirm/<str:token>/", views.confirm, name="hub_confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="hub_unsubscribe"),
    re_path(rf"^{LANG}/$", views.hub_page_in, name="hub_lang"),
    re_path(rf"^{LANG}/feed\.atom$", views.hub_file, {"name": "feed.atom"}, name="hub_feed_lang"),
    re_path(rf"^{LANG}/hub\.json$", views.hub_file, {"name": "hub.json"}, name="hub_json_lang"),
    re_path(rf"^{LANG}/banner\.js$", views.hub_file, {"name": "banner.js"}, name="hub_banner_js_lang"),
    re_path(
        rf"^{LANG}/banner\.html$", views.hub_banner, {"name": "banner.html"}, name="hub_banner_html_lang"
    ),
]

api_urlpatterns = [
    path("hub/updates/", api.HubUpdateView.as_view(), name="api_hub_updates"),
]
