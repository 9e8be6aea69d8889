"""Back-office urls (namespace "guichet"): the agents' pages, and raw inbound review."""

from django.urls import include, path

app_name = "guichet"

urlpatterns = [
    path("entrees/", include("guichet.channels.backoffice_urls")),
    path("", include("guichet.backoffice.urls")),
]
