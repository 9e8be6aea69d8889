"""/api/v1/: reference data here; each room registers its endpoints in its own api_urls."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from .api_views import CommuneViewSet, ThemeViewSet, ZoneViewSet

router = SimpleRouter()
router.register("communes", CommuneViewSet, basename="commune")
router.register("zones", ZoneViewSet, basename="zone")
router.register("themes", ThemeViewSet, basename="theme")

urlpatterns = [
    *router.urls,
    path("", include("guichet.api_urls")),
    path("", include("crm.api_urls")),
    path("", include("chatbot.api_urls")),
]
