"""Supervisors' duplicate review: proposals, side-by-side comparison, merge and undo."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import selectors
from ..models import Merge, MergeProposal, Usager
from ..services import duplicates as duplicate_services
from ..services import merges as merge_services
from .access import supervisor_required

REASON_LABELS = {
    "email_variant": _lazy("Même boîte aux lettres électronique (écriture différente)"),
    "phone_variant": _lazy("Même numéro de téléphone (écriture différente)"),
    "same_name": _lazy("Même nom et prénom"),
    "close_name": _lazy("Nom très proche"),
    "different_first_names": _lazy("Attention : prénoms différents"),
    "different_contacts": _lazy("Attention : courriels ou mobiles différents"),
    "same_commune": _lazy("Même commune"),
    "same_address": _lazy("Même adresse"),
    "close_address": _lazy("Adresse proche"),
}


def reason_labels(reasons: list[dict]) -> list[str]:
    labels = []
    for reason in reasons:
        label = str(REASON_LABELS.get(reason.get("code"), reason.get("code", "")))
        if reason.get("value") is not None:
            label = f"{label} ({reason['value']} %)"
        labels.append(label)
    return labels


@supervisor_required
@require_GET
def proposal_list(request):
    status = request.GET.get("etat", MergeProposal.Status.PENDING)
    if status not in MergeProposal.Status.values:
        status = MergeProposal.Status.PENDING
    page = Paginator(selectors.merge_proposals(status=status), 30).get_page(
        request.GET.get("page"))
    for proposal in page:
        proposal.reason_labels = reason_labels(proposal.reasons)
    return render(request, "crm/proposal_list.html", {
        "page": page, "status": status, "statuses": MergeProposal.Status.choices})


@supervisor_required
@require_http_methods(["GET", "POST"])
def proposal_detail(request, pk: int):
    proposal = get_object_or_404(MergeProposal.objects.select_related("usager_a", "usager_b"),
                                 pk=pk)
    if request.method == "POST" and request.POST.get("action") == "reject":
        duplicate_services.reject_proposal(proposal=proposal, by=request.user)
        messages.success(request, _("Noté : ce sont deux personnes différentes. Cette paire ne "
                                    "sera plus proposée."))
        return redirect("crm:duplicates")
    if request.method == "POST":
        return _merge_from_post(request, proposal.usager_a, proposal.usager_b, proposal)
    return _render_compare(request, proposal.usager_a, proposal.usager_b, proposal)


@supervisor_required
@require_http_methods(["GET", "POST"])
def compare(request, a: int, b: int):
    first = Usager.objects.filter(pk=a).first()
    second = Usager.objects.filter(pk=b).first()
    if first is None or second is None:
        raise Http404(_("Cet usager n’existe pas."))
    if request.method == "POST":
        return _merge_from_post(request, first, second, None)
    return _render_compare(request, first, second, None)


def _merge_from_post(request, first: Usager, second: Usager, proposal):
    try:
        keep = int(request.POST.get("keep", ""))
    except ValueError:
        keep = None
    if keep not in (first.pk, second.pk):
        return _render_compare(request, first, second, proposal,
                               errors=[_("Choisissez la fiche à conserver.")], status=400)
    target, source = (first, second) if keep == first.pk else (second, first)
    try:
        merge = merge_services.merge_usagers(source=source, target=target, by=request.user,
                                             proposal=proposal)
    except ValidationError as error:
        return _render_compare(request, first, second, proposal, errors=error.messages,
                               status=400)
    messages.success(request, _("Fiches fusionnées : tout l’historique de la fiche n° "
                                "%(source)s est maintenant sur celle-ci. La fusion peut être "
                                "annulée depuis la liste des fusions.") % {"source": source.pk})
    return redirect("crm:usager", pk=merge.target_id)


def _render_compare(request, first: Usager, second: Usager, proposal, *, errors=(),
                    status=200):
    sides = [_side(first), _side(second)]
    return render(request, "crm/compare.html", {
        "sides": sides, "proposal": proposal, "errors": errors,
        "reasons": reason_labels(proposal.reasons) if proposal else [],
        "same": first.pk == second.pk,
    }, status=status)


def _side(usager: Usager) -> dict:
    usager = selectors.usager_for_page(usager.pk)
    return {
        "usager": usager,
        "points": list(selectors.contact_points(usager)),
        "timeline_count": usager.timeline.count(),
        "recent": list(selectors.timeline(usager)[:5]),
    }


@supervisor_required
@require_http_methods(["GET", "POST"])
def merge_start(request, pk: int):
    """A supervisor who knows two records are one person picks the other one by number."""
    usager = get_object_or_404(Usager, pk=pk)
    from ..forms import MergeStartForm

    form = MergeStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        other = Usager.objects.filter(pk=form.cleaned_data["other"]).first()
        if other is None:
            form.add_error("other", _("Aucune fiche ne porte ce numéro."))
        else:
            return redirect("crm:compare", a=usager.pk, b=other.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "crm/merge_start.html", {"usager": usager, "form": form},
                  status=status)


@supervisor_required
@require_GET
def merge_list(request):
    return _render_merge_list(request)


def _render_merge_list(request, *, errors=(), status=200):
    merges = (Merge.objects.select_related("source", "target", "performed_by", "undone_by")
              .order_by("-performed_at"))
    page = Paginator(merges, 30).get_page(request.GET.get("page"))
    return render(request, "crm/merge_list.html", {"page": page, "errors": errors},
                  status=status)


@supervisor_required
@require_POST
def merge_undo(request, pk: int):
    merge = get_object_or_404(Merge, pk=pk)
    try:
        merge_services.undo_merge(merge=merge, by=request.user)
    except ValidationError as error:
        return _render_merge_list(request, errors=error.messages, status=400)
    messages.success(request, _("Fusion annulée : les fiches n° %(source)s et n° %(target)s "
                                "sont à nouveau distinctes.") % {
        "source": merge.source_id, "target": merge.target_id})
    return redirect("crm:usager", pk=merge.source_id)
