"""The usager list, the 360° page and the agents' edits (record, contact points, consent)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from maison import roles

from .. import registry, selectors
from ..forms import (
    ConsentRecordForm,
    ContactPointForm,
    ContactValidityForm,
    SearchForm,
    TimelineFilterForm,
    UsagerForm,
)
from ..models import AccessLog, ConsentChannel, Purpose
from ..services import audit, record_consent
from ..services import usagers as usager_services
from .access import staff_required

TIMELINE_PAGE_SIZE = 25
CHANNEL_LABELS = {
    "accueil": _lazy("Accueil physique"), "telephone": _lazy("Téléphone"),
    "email": _lazy("Courriel"), "sms": _lazy("SMS"), "formulaire": _lazy("Formulaire web"),
    "chatbot": _lazy("Chatbot Sophie"), "courrier": _lazy("Courrier"), "web": _lazy("Site web"),
}


def _usager_or_404(pk: int):
    usager = selectors.usager_for_page(pk)
    if usager is None:
        raise Http404(_("Cet usager n’existe pas."))
    return usager


@staff_required
@require_GET
def usager_list(request):
    form = SearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    usagers = selectors.search_usagers(
        query=data.get("q", ""), commune_id=data["commune"].pk if data.get("commune") else None,
        category=data.get("category", ""))
    page = Paginator(usagers.prefetch_related("contact_points"), 30).get_page(
        request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "crm/usager_list.html", {
        "form": form, "page": page, "query": query.urlencode(),
        "searched": bool(request.GET)})


@staff_required
@require_GET
def usager_detail(request, pk: int):
    usager = _usager_or_404(pk)
    channels = selectors.timeline_channels(usager)
    filters = TimelineFilterForm(
        request.GET or None,
        channels=[(channel, CHANNEL_LABELS.get(channel, channel)) for channel in channels])
    data = filters.cleaned_data if filters.is_valid() else {}
    page_number = data.get("page") or 1
    entries = selectors.filtered_timeline(usager, kinds=data.get("kind") or None,
                                          channels=data.get("channel") or None)
    # One indexed query per page: one row more than shown tells whether older entries exist.
    offset = (page_number - 1) * TIMELINE_PAGE_SIZE
    rows = list(entries[offset:offset + TIMELINE_PAGE_SIZE + 1])
    has_older = len(rows) > TIMELINE_PAGE_SIZE
    rows = rows[:TIMELINE_PAGE_SIZE]
    links = registry.timeline_links(rows)
    for entry in rows:
        entry.link = links.get(entry.pk)
        entry.channel_label = CHANNEL_LABELS.get(entry.channel, entry.channel)
    query = request.GET.copy()
    query.pop("page", None)
    audit.log_access(usager=usager, user=request.user, action=AccessLog.Action.VIEW)
    return render(request, "crm/usager_detail.html", {
        "usager": usager,
        "points": selectors.contact_points(usager),
        "consent_grid": _consent_grid(usager),
        "figures": sorted(selectors.own_key_figures(usager) + registry.key_figures(usager),
                          key=lambda figure: figure.order),
        "entries": rows, "page_number": page_number, "has_older": has_older,
        "filters": filters, "filter_query": query.urlencode(),
        "filtered": bool(data.get("kind") or data.get("channel")),
        "contact_form": ContactPointForm(),
        "access_log": selectors.access_log(usager) if roles.supervises(request.user) else None,
        "merged_from": usager.merged_from.all() if usager.pk else [],
        "can_supervise": roles.supervises(request.user),
    })


def _consent_grid(usager):
    states = selectors.consent_states(usager)
    history = list(usager.consents.select_related("text", "recorded_by")
                   .order_by("-recorded_at", "-id"))
    rows = []
    for purpose, purpose_label in Purpose.choices:
        cells = []
        for channel, channel_label in ConsentChannel.choices:
            cells.append({
                "channel": channel, "channel_label": channel_label,
                "current": states.get((purpose, channel)),
                "history": [c for c in history if c.purpose == purpose and c.channel == channel],
            })
        rows.append({"purpose": purpose, "label": purpose_label, "cells": cells})
    return rows


@staff_required
@require_http_methods(["GET", "POST"])
def usager_edit(request, pk: int):
    usager = _usager_or_404(pk)
    if not usager.is_active:
        messages.error(request, _("Cette fiche ne peut plus être modifiée (anonymisée ou "
                                  "fusionnée)."))
        return redirect("crm:usager", pk=pk)
    initial = {"first_name": usager.first_name, "last_name": usager.last_name,
               "organisation": usager.organisation, "category": usager.category,
               "commune": usager.commune, "address": usager.address}
    form = UsagerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            changes = usager_services.update_usager(usager=usager, by=request.user,
                                                    **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            usager.refresh_from_db()
            if not changes:
                messages.info(request, _("Aucune modification."))
            elif usager.street_id:
                messages.success(request, _("Fiche enregistrée. Voie reconnue : %(street)s "
                                            "(secteur %(zone)s).") % {
                    "street": usager.street.name, "zone": usager.zone})
            elif usager.address:
                messages.warning(request, _("Fiche enregistrée, mais la voie n’a pas été "
                                            "reconnue dans la commune : le secteur de collecte "
                                            "reste inconnu."))
            else:
                messages.success(request, _("Fiche enregistrée."))
            return redirect("crm:usager", pk=pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "crm/usager_edit.html", {"usager": usager, "form": form},
                  status=status)


@staff_required
@require_POST
def contact_add(request, pk: int):
    usager = _usager_or_404(pk)
    form = ContactPointForm(request.POST)
    if form.is_valid():
        try:
            usager_services.add_contact_point_by_agent(
                usager=usager, by=request.user, kind=form.cleaned_data["kind"],
                raw=form.cleaned_data["value"])
        except ValidationError as error:
            return _back_with_errors(request, pk, error.messages, status=400, form=form)
        messages.success(request, _("Coordonnée ajoutée."))
        return redirect(reverse("crm:usager", args=[pk]) + "#coordonnees")
    return _back_with_errors(request, pk, [_("Indiquez le type et la valeur de la coordonnée.")],
                             status=400, form=form)


def _back_with_errors(request, pk, errors, *, status, form=None):
    usager = _usager_or_404(pk)
    return render(request, "crm/contact_error.html",
                  {"usager": usager, "errors": errors, "form": form or ContactPointForm()},
                  status=status)


@staff_required
@require_POST
def contact_remove(request, pk: int, point_pk: int):
    usager = _usager_or_404(pk)
    try:
        usager_services.remove_contact_point(usager=usager, by=request.user, point_id=point_pk)
    except ValidationError as error:
        return _back_with_errors(request, pk, error.messages, status=400)
    messages.success(request, _("Coordonnée supprimée."))
    return redirect(reverse("crm:usager", args=[pk]) + "#coordonnees")


@staff_required
@require_POST
def contact_validity(request, pk: int, point_pk: int):
    usager = _usager_or_404(pk)
    form = ContactValidityForm(request.POST)
    form.is_valid()
    try:
        usager_services.set_contact_point_validity(
            usager=usager, by=request.user, point_id=point_pk,
            valid=form.cleaned_data.get("valid", False), reason=form.cleaned_data.get("reason", ""))
    except ValidationError as error:
        return _back_with_errors(request, pk, error.messages, status=400)
    messages.success(request, _("Validité de la coordonnée mise à jour."))
    return redirect(reverse("crm:usager", args=[pk]) + "#coordonnees")


@staff_required
@require_http_methods(["GET", "POST"])
def consent_record(request, pk: int):
    """Consent given or withdrawn at the counter or on the phone, with the text read."""
    usager = _usager_or_404(pk)
    if not usager.is_active:
        messages.error(request, _("Cette fiche ne peut plus être modifiée (anonymisée ou "
                                  "fusionnée)."))
        return redirect("crm:usager", pk=pk)
    from ..services import current_consent_text

    purpose = request.GET.get("purpose") if request.GET.get("purpose") in Purpose.values \
        else Purpose.INFORMATION
    initial = {"purpose": purpose, "channel": request.GET.get("channel") or ConsentChannel.EMAIL,
               "text": current_consent_text(purpose), "source": "accueil"}
    form = ConsentRecordForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        consent = record_consent(
            usager=usager, purpose=data["purpose"], channel=data["channel"], given=data["given"],
            source=data["source"], text=data["text"], recorded_by=request.user,
            proof={"text_version": data["text"].version, "text_read_to_usager": True,
                   "collected": data["source"]})
        audit.log_access(usager=usager, user=request.user, action=AccessLog.Action.CONSENT,
                         detail={"consent": consent.pk})
        messages.success(request, _("Choix de l’usager enregistré : %(consent)s.") % {
            "consent": consent})
        return redirect(reverse("crm:usager", args=[pk]) + "#consentements")
    status = 400 if request.method == "POST" else 200
    return render(request, "crm/consent_record.html", {"usager": usager, "form": form},
                  status=status)

