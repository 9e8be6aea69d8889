"""Agents' view of what came in but could not be filed: failed and ignored raw inputs.

Agents and supervisors only. "Retraiter" pushes the stored input through the funnel again
(after a fix, or to file an auto-reply the robot detector set aside).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from maison import roles

from ..models import Channel, RawInbound
from . import email as email_channel
from . import notices
from . import raw as raw_store

REVIEW_STATES = (RawInbound.State.FAILED, RawInbound.State.IGNORED)


def _agents_only(view):
    @login_required
    def wrapper(request, *args, **kwargs):
        if not roles.handles_tickets(request.user):
            raise PermissionDenied(_("Accès réservé aux agents du service."))
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def summary(raw: RawInbound) -> dict:
    """Sender, subject and a short excerpt, read from the stored payload whatever the channel."""
    payload = raw.payload or {}
    if raw.channel == Channel.EMAIL and (payload.get("mime_b64") or payload.get("esp_event")):
        parsed = email_channel.stored_message(raw)
        body = parsed.get_body(preferencelist=("plain", "html")) if parsed.is_multipart() \
            else parsed
        try:
            text = body.get_content() if body is not None else ""
        except (LookupError, KeyError, ValueError):
            text = ""
        return {"sender": str(parsed.get("From", "")), "subject": str(parsed.get("Subject", "")),
                "excerpt": str(text)[:600]}
    form = payload.get("form") or {}
    return {"sender": form.get("From", ""), "subject": payload.get("kind", ""),
            "excerpt": (form.get("Body") or form.get("TranscriptionText")
                        or form.get("RecordingUrl") or "")[:600]}


@require_GET
@_agents_only
def raw_list(request):
    state = request.GET.get("etat", "")
    rows = RawInbound.objects.filter(state__in=[state] if state in REVIEW_STATES
                                     else REVIEW_STATES).order_by("-received_at", "-id")
    channel = request.GET.get("canal", "")
    if channel in Channel.values:
        rows = rows.filter(channel=channel)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    items = [{"raw": raw, **summary(raw)} for raw in page.object_list]
    return render(request, "guichet/channels/raw_list.html", {
        "page": page, "items": items, "state": state, "channel": channel,
        "states": [(s, RawInbound.State(s).label) for s in REVIEW_STATES],
        "channels": Channel.choices})


@require_GET
@_agents_only
def raw_detail(request, pk: int):
    raw = get_object_or_404(RawInbound, pk=pk)
    return render(request, "guichet/channels/raw_detail.html",
                  {"raw": raw, **summary(raw), "can_retry": raw.state in REVIEW_STATES})


@require_POST
@_agents_only
def raw_retry(request, pk: int):
    raw = get_object_or_404(RawInbound, pk=pk, state__in=REVIEW_STATES)
    try:
        reception = raw_store.reprocess(raw)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("guichet:raw-inbound-detail", pk=raw.pk)
    raw.refresh_from_db()
    if reception is not None and reception.ticket is not None:
        messages.success(request, _("Entrée retraitée : demande %(reference)s.")
                         % {"reference": reception.ticket.reference})
    else:
        messages.error(request, _("Le retraitement a échoué : %(error)s")
                       % {"error": raw.error or _("raison inconnue")})
    return redirect("guichet:raw-inbound-detail", pk=raw.pk)


@require_GET
@_agents_only
def notice_list(request):
    return render(request, "guichet/channels/notices.html",
                  {"notices": notices.unread(request.user)[:100]})


@require_POST
@_agents_only
def notice_read(request):
    ids = [int(value) for value in request.POST.getlist("notice") if value.isdigit()]
    notices.mark_read(user=request.user, notice_ids=ids)
    return redirect("guichet:notices")
