"""Public collection calendars: /calendrier/ (choose a zone), a printable page and an .ics feed."""

from django.urls import path

from . import collection_views

urlpatterns = [
    path("calendrier/", collection_views.index, name="collection-index"),
    path("calendrier/<str:zone_code>.ics", collection_views.zone_ical, name="collection-ical"),
    path("calendrier/<str:zone_code>/", collection_views.zone_page, name="collection-calendar"),
]
