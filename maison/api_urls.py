"""/api/v1/: each room registers its endpoints in its own api_urls module."""

from django.urls import include, path

urlpatterns = [
    path("", include("guichet.api_urls")),
    path("", include("crm.api_urls")),
    path("", include("chatbot.api_urls")),
]
