"""The REST API of the project's own model and its OpenAPI document, under /api/."""

urlpatterns = []
