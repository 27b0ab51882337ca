"""The review queue in the workspace and the provider's own proposals (namespace workspace)."""

from django.urls import path

from lueckenlos.review.views import workspace

urlpatterns = [
    path("pruefungen/", workspace.reviews, name="reviews"),
    path("pruefungen/<int:proposal_id>/", workspace.review, name="review"),
    path("meine-vorschlaege/", workspace.my_proposals, name="my_proposals"),
]
