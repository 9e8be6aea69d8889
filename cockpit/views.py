"""Cockpit views: thin, read-only, for élus, superviseurs and agents."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from maison import roles


@login_required
def home(request):
    if not roles.sees_cockpit(request.user):
        raise PermissionDenied
    return render(request, "cockpit/home.html", {})
