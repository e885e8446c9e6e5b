from django.urls import path

from command.review import api as review_api

urlpatterns = [
    path("crises/<int:crisis_id>/review/", review_api.ReviewView.as_view(), name="api_review"),
    path(
        "crises/<int:crisis_id>/review/complete/",
        review_api.CompleteReviewView.as_view(),
        name="api_review_complete",
    ),
    path(
        "crises/<int:crisis_id>/review/action-items/",
        review_api.ActionItemListView.as_view(),
        name="api_review_action_items",
    ),
    path(
        "crises/<int:crisis_id>/review/action-items/<int:item_id>/",
        review_api.ActionItemView.as_view(),
        name="api_review_action_item",
    ),
]
