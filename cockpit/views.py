"""Cockpit views: thin, read-only for everyone's data, for élus, superviseurs and agents.

Élus see aggregates and where a request stands, never personal data; superviseurs (and
admins) also get a link from every figure to the tickets behind it in the back office.
"""

from __future__ import annotations

import logging
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from guichet import indicators
from guichet.models import Channel, Nature, Status
from guichet.services import parse_reference
from maison import events, roles
from maison.models import Commune

from . import activity, charts, dashboard, rollups, survey_rollups
from .figures import Link, Names, no_link
from .forms import FiltersForm

logger = logging.getLogger(__name__)


def cockpit_access(view):
    """Logged-in élus, agents, superviseurs and admins; anyone else is refused."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not roles.sees_cockpit(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return guarded


def drill_link(user) -> Link:
    """Links to the back-office queue for superviseurs; nothing for the others."""
    if not roles.supervises(user):
        return no_link
    try:
        queue = reverse("guichet:queue")
    except NoReverseMatch:  # the back office is not installed
        return no_link
    return lambda params: f"{queue}?{urlencode(params)}"


def refresh_rollups() -> None:
    """Apply the latest ticket changes before reading (bounded; the beat task does the rest).

    The surveys' rollups are refreshed by the beat task; here only on first use."""
    try:
        rollups.catch_up(max_tickets=settings.COCKPIT_CATCH_UP_ON_VIEW, recheck_overlap=False)
        state = rollups.state()
        if state.surveys_refreshed_at is None and not state.rebuilding:
            survey_rollups.refresh_recent()
    except DatabaseError:  # a busy database must not cost the page: figures stay a moment old
        logger.exception("cockpit catch-up failed")


def _filters(request, commune: Commune | None = None) -> FiltersForm:
    return FiltersForm(request.GET or None, fixed_commune=commune)


def _render_dashboard(request, *, commune: Commune | None = None):
    form = _filters(request, commune)
    status = 200
    if request.GET and not form.is_valid():
        status = 400
    refresh_rollups()
    choice, scope = form.choice(), form.scope()
    board = dashboard.build(choice, scope, link=drill_link(request.user))
    query = form.query_string()
    context = {
        "form": form, "board": board, "commune": commune, "query": query,
        "trend_chart": charts.columns(board.trend),
        "monthly_chart": charts.columns(board.monthly, grouped=True),
        "live_url": _with_query(reverse("cockpit:live"), query),
        # Events published between this render and the stream's opening are replayed.
        "stream_url": _with_query(reverse("cockpit:stream"),
                                  "&".join(filter(None, [query, f"last_id={_last_event_id()}"]))),
        "refresh_seconds": settings.COCKPIT_REFRESH_SECONDS,
        "can_drill": roles.supervises(request.user),
        "communes": sorted(board.names.communes.values(), key=lambda item: item.name),
        "activity": [activity_json(item) for item in board.activity],
    }
    return render(request, "cockpit/home.html", context, status=status)


def _last_event_id() -> str:
    try:
        return events.get_bus().last_id()
    except Exception:  # the bus being down must not cost the page; the stream will say so
        logger.exception("live event bus unavailable")
        return ""


def _with_query(url: str, query: str) -> str:
    return f"{url}?{query}" if query else url


@require_GET
@cockpit_access
def home(request):
    return _render_dashboard(request)


@require_GET
@cockpit_access
def commune(request, slug: str):
    return _render_dashboard(request, commune=get_object_or_404(Commune, slug=slug))


@require_GET
@cockpit_access
def live(request):
    """The counters and the first lines of the feed, for the page's live refresh."""
    form = _filters(request)
    if request.GET and not form.is_valid():
        return JsonResponse({"error": _("Filtres invalides.")}, status=400)
    refresh_rollups()
    choice, scope = form.choice(), form.scope()
    return JsonResponse({
        "figures": dashboard.live_figures(choice, scope),
        "activity": [activity_json(item)
                     for item in activity.recent_activity(scope, Names.load())],
        "updated_at": timezone.now().isoformat(),
        "updated_label": _("Mis à jour à %(time)s.") % {
            "time": date_format(timezone.localtime(), "H:i:s")},
    })


ACTIVITY_LABELS = {
    "ticket.created": gettext_lazy("Nouvelle demande"),
    "ticket.resolved": gettext_lazy("Demande résolue"),
    "ticket.closed": gettext_lazy("Demande close"),
    "ticket.reopened": gettext_lazy("Demande rouverte"),
    "ticket.message": gettext_lazy("Nouveau message"),
}


def _feed_time(moment) -> str:
    """"14:05" today, "24/11 14:05" before."""
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        return date_format(local, "H:i")
    return date_format(local, "d/m H:i")


def activity_json(item: indicators.Activity) -> dict:
    """A feed line, the same for the page, the live refresh and the stream (no personal data)."""
    return {
        "kind": item.kind,
        "label": str(ACTIVITY_LABELS.get(item.kind, item.kind)),
        "reference": item.reference,
        "at": timezone.localtime(item.at).isoformat(),
        "time": _feed_time(item.at),
        "theme": item.theme or "",
        "commune": item.commune or "",
        "channel": str(Channel(item.channel).label) if item.channel in Channel.values else "",
        "nature": str(Nature(item.nature).label) if item.nature in Nature.values else "",
        "status": str(Status(item.status).label) if item.status in Status.values else "",
    }


@require_GET
@cockpit_access
def lookup(request):
    """Where a request stands, from its reference (status, dates, deadline)."""
    typed = (request.GET.get("reference") or "").strip()
    reference = parse_reference(typed) if typed else None
    progress = indicators.ticket_progress(reference) if reference else None
    status = 200
    error = ""
    if typed and reference is None:
        error = _("Cette référence n’a pas le bon format. Exemple : MDS-2026-000123.")
        status = 400
    elif typed and progress is None:
        error = _("Aucune demande ne porte la référence %(reference)s.") % {
            "reference": reference}
        status = 404
    ticket_url = None
    if progress and roles.supervises(request.user):
        ticket_url = _ticket_url(progress)
    return render(request, "cockpit/lookup.html", {
        "typed": typed, "progress": progress, "error": error, "ticket_url": ticket_url,
        "overdue": progress.is_overdue() if progress else False,
    }, status=status)


def _ticket_url(progress: indicators.Progress) -> str | None:
    for name, argument in (("guichet:ticket", progress.ticket_id),
                           ("guichet:ticket_detail", progress.ticket_id),
                           ("guichet:ticket", progress.reference)):
        try:
            return reverse(name, args=[argument])
        except NoReverseMatch:
            continue
    return None


@require_GET
@cockpit_access
def report(request):
    """A printable report of the period, for council meetings."""
    form = _filters(request)
    status = 400 if request.GET and not form.is_valid() else 200
    refresh_rollups()
    board = dashboard.build(form.choice(), form.scope(), link=no_link)
    return render(request, "cockpit/report.html", {
        "form": form, "board": board,
        "trend_chart": charts.columns(board.trend),
        "monthly_chart": charts.columns(board.monthly, grouped=True),
        "printed_at": timezone.now(),
    }, status=status)
