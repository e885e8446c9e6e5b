from django.urls import path

from . import api_work

urlpatterns = [
    path("mentions/<int:pk>/context/", api_work.MentionContextView.as_view(), name="api_mention_context"),
    path("mentions/<int:pk>/take-over/", api_work.TakeOverView.as_view(), name="api_mention_take_over"),
    path("mentions/<int:pk>/notes/", api_work.NoteView.as_view(), name="api_mention_notes"),
    path("mentions/<int:pk>/tags/", api_work.MentionTagView.as_view(), name="api_mention_tags"),
    path("mentions/<int:pk>/draft/", api_work.DraftView.as_view(), name="api_mention_draft"),
    path("mentions/<int:pk>/similar/", api_work.SimilarView.as_view(), name="api_mention_similar"),
    path("mentions/bulk/", api_work.BulkView.as_view(), name="api_mentions_bulk"),
    path("broadcast/", api_work.BroadcastView.as_view(), name="api_broadcast"),
    path("templates/", api_work.TemplateListView.as_view(), name="api_templates"),
    path("tags/", api_work.TagListView.as_view(), name="api_tags"),
    path("queue/stats/", api_work.QueueStatsView.as_view(), name="api_queue_stats"),
    path("alerts/", api_work.AlertListView.as_view(), name="api_alerts"),
]
