"""The cockpit's doors (namespace "cockpit")."""

from django.urls import path

from . import views

app_name = "cockpit"

urlpatterns = [
    path("", views.home, name="home"),
]
