from django.urls import path

from command.review import views as review_views

urlpatterns = [
    path("reviews/", review_views.reviews_list, name="reviews"),
    path("crises/<int:crisis_id>/review/", review_views.review_page, name="review"),
    path("crises/<int:crisis_id>/review/print/", review_views.review_print, name="review_print"),
    path(
        "crises/<int:crisis_id>/review/meetings/<str:kind>/",
        review_views.review_meeting,
        name="review_meeting",
    ),
    path("crises/<int:crisis_id>/review/actions/", review_views.action_add, name="review_action_add"),
    path(
        "crises/<int:crisis_id>/review/actions/<int:item_id>/",
        review_views.action_toggle,
        name="review_action_toggle",
    ),
    path("crises/<int:crisis_id>/review/complete/", review_views.review_complete, name="review_complete"),
    path("crises/<int:crisis_id>/timeline/", review_views.timeline_page, name="crisis_timeline"),
]
