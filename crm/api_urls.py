from rest_framework.routers import SimpleRouter

from .api import UsagerViewSet

router = SimpleRouter()
router.register("usagers", UsagerViewSet, basename="usager")

urlpatterns = router.urls
