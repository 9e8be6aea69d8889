"""A new ticket at the counter or from a phone call: find the usager (or create them), then
record the request through the single funnel, `guichet.services.receive`."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from crm.models import Usager

from ... import selectors, services
from ...models import OPEN_STATUSES
from ..access import AgentRequiredMixin
from ..forms import NewTicketForm

TEMPLATE = "guichet/backoffice/new_ticket.html"


class NewTicketView(AgentRequiredMixin, View):
    def get(self, request):
        lookup = request.GET.get("usager_q", "").strip()[:200]
        chosen = None
        initial = {}
        if request.GET.get("usager", "").isdigit():
            chosen = (Usager.objects.select_related("commune")
                      .filter(pk=request.GET["usager"], erased_at__isnull=True).first())
            if chosen:
                initial = {"usager": chosen.pk, "commune": chosen.commune_id,
                           "category": chosen.category}
        if request.GET.get("channel") in ("accueil", "telephone"):
            initial["channel"] = request.GET["channel"]
        form = NewTicketForm(initial=initial)
        return self._render(request, form, lookup=lookup, chosen=chosen)

    def post(self, request):
        form = NewTicketForm(request.POST)
        if not form.is_valid():
            return self._render(request, form, chosen=self._chosen(form), status=400)
        data = form.cleaned_data
        usager = data["usager"]
        try:
            reception = services.receive(
                channel=data["channel"], body=data["body"], subject=data["subject"],
                usager=usager,
                email=None if usager else data["email"] or None,
                phone=None if usager else data["phone"] or None,
                first_name="" if usager else data["first_name"],
                last_name="" if usager else data["last_name"],
                category="" if usager else data["category"],
                commune=data["commune"], address=data["address"], nature=data["nature"],
                theme=data["theme"], subtheme=data["subtheme"], actor=request.user,
                callback_requested=data["callback_requested"], force_new_ticket=True)
        except ValidationError as exc:
            for text in exc.messages:
                form.add_error(None, text)
            return self._render(request, form, chosen=self._chosen(form), status=400)
        messages.success(request, _("Demande %(reference)s enregistrée.")
                         % {"reference": reception.ticket.reference})
        return redirect("guichet:ticket", pk=reception.ticket.pk)

    @staticmethod
    def _chosen(form):
        usager = form.cleaned_data.get("usager") if hasattr(form, "cleaned_data") else None
        return usager

    def _render(self, request, form, *, lookup: str = "", chosen=None, status: int = 200):
        candidates = selectors.search_usagers(lookup) if lookup else []
        open_tickets = []
        if chosen:
            open_tickets = list(chosen.tickets.filter(status__in=OPEN_STATUSES)
                                .select_related("theme").order_by("-created_at")[:5])
        return render(request, TEMPLATE, {
            "form": form, "lookup": lookup, "candidates": candidates, "chosen": chosen,
            "open_tickets": open_tickets,
        }, status=status)
