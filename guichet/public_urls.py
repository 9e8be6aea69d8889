"""Public pages of the portal: the request form and the follow-up page (no account needed)."""

from django.urls import path

from .channels import public_views

urlpatterns = [
    path("demande/", public_views.request_form, name="public-request"),
    path("demande/envoyee/", public_views.request_received, name="public-request-received"),
    path("demande/signalements-proches/", public_views.similar_reports,
         name="public-similar-reports"),
    path("suivi/<str:reference>/<str:code>/", public_views.tracking, name="public-tracking"),
]
