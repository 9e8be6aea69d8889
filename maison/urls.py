"""The house's doors. Each room mounts its own urls; the API lives under /api/v1/."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("connexion/", auth_views.LoginView.as_view(template_name="registration/login.html",
                                                    redirect_authenticated_user=True),
         name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("api/v1/", include("maison.api_urls")),
    path("anymail/", include("anymail.urls")),
    path("webhooks/twilio/", include("guichet.webhook_urls")),
    path("guichet/", include("guichet.urls")),
    path("usagers/", include("crm.urls")),
    path("cockpit/", include("cockpit.urls")),
    path("sophie/", include("chatbot.urls")),
    path("enquete/", include("surveys.urls")),
    path("", include("maison.collection_urls")),
    path("", include("guichet.public_urls")),
]

if settings.DEBUG:
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]
