"""The one-click confirmation of an offer, from the reminder e-mail."""

app_name = "freshness"

urlpatterns = []
