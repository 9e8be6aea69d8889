"""The cockpit's doors (namespace "cockpit")."""

from django.urls import path

from . import exports, stream, views

app_name = "cockpit"

urlpatterns = [
    path("", views.home, name="home"),
    path("commune/<slug:slug>/", views.commune, name="commune"),
    path("direct/", views.live, name="live"),
    path("flux/", stream.stream, name="stream"),
    path("demande/", views.lookup, name="lookup"),
    path("rapport/", views.report, name="report"),
    path("export/indicateurs.csv", exports.export_indicators, name="export_indicators"),
    path("export/demandes.csv", exports.export_tickets, name="export_tickets"),
]
