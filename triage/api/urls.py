"""/api/v1/ routes of the queue: mentions in, the queue worked, reports read."""

from django.urls import path

from triage.api import mentions, work
from triage.reports import api as report_api

urlpatterns = [
    path("mentions/", mentions.MentionListView.as_view(), name="api_mentions"),
    path("mentions/<int:pk>/", mentions.MentionDetailView.as_view(), name="api_mention"),
    path("mentions/<int:pk>/claim/", mentions.claim_view, name="api_mention_claim"),
    path("mentions/<int:pk>/release/", mentions.release_view, name="api_mention_release"),
    path("mentions/<int:pk>/resolve/", mentions.resolve_view, name="api_mention_resolve"),
    path("mentions/<int:pk>/dismiss/", mentions.dismiss_view, name="api_mention_dismiss"),
    path("mentions/<int:pk>/reply/", mentions.ReplyView.as_view(), name="api_mention_reply"),
    path("queue/next/", mentions.QueueNextView.as_view(), name="api_queue_next"),
    path("reports/", report_api.PeriodReportView.as_view(), name="api_reports"),
    path("reports/crisis/<int:pk>/", report_api.CrisisReportView.as_view(), name="api_crisis_report"),
    path("mentions/<int:pk>/context/", work.MentionContextView.as_view(), name="api_mention_context"),
    path("mentions/<int:pk>/take-over/", work.TakeOverView.as_view(), name="api_mention_take_over"),
    path("mentions/<int:pk>/notes/", work.NoteView.as_view(), name="api_mention_notes"),
    path("mentions/<int:pk>/tags/", work.MentionTagView.as_view(), name="api_mention_tags"),
    path("mentions/<int:pk>/draft/", work.DraftView.as_view(), name="api_mention_draft"),
    path("mentions/<int:pk>/similar/", work.SimilarView.as_view(), name="api_mention_similar"),
    path("mentions/bulk/", work.BulkView.as_view(), name="api_mentions_bulk"),
    path("broadcast/", work.BroadcastView.as_view(), name="api_broadcast"),
    path("templates/", work.TemplateListView.as_view(), name="api_templates"),
    path("tags/", work.TagListView.as_view(), name="api_tags"),
    path("queue/stats/", work.QueueStatsView.as_view(), name="api_queue_stats"),
    path("alerts/", work.AlertListView.as_view(), name="api_alerts"),
]
