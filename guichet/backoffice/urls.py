"""Agent back office urls."""

urlpatterns: list = []
