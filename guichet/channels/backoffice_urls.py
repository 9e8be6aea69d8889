"""Raw inbound review for agents (owned by the channels work)."""

urlpatterns: list = []
