"""API URL root (filled in by the API work)."""

urlpatterns: list = []
