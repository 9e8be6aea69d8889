"""Raw inbound review and agents' notices, mounted at /guichet/entrees/ (namespace "guichet")."""

from django.urls import path

from . import backoffice_views as views

urlpatterns = [
    path("", views.raw_list, name="raw-inbound-list"),
    path("<int:pk>/", views.raw_detail, name="raw-inbound-detail"),
    path("<int:pk>/retraiter/", views.raw_retry, name="raw-inbound-retry"),
    path("alertes/", views.notice_list, name="notices"),
    path("alertes/lues/", views.notice_read, name="notices-read"),
]
