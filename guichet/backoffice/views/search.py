"""Search by reference, name, email, phone or words of the request."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from ... import selectors
from ..access import AgentRequiredMixin
from .queue import page_of, querystring_without

KIND_LABELS = {
    "reference": _("Référence"),
    "number": _("Numéro de demande"),
    "email": _("Adresse électronique"),
    "partial_email": _("Début ou partie d’adresse électronique"),
    "phone": _("Numéro de téléphone"),
    "partial_phone": _("Partie de numéro de téléphone"),
    "text": _("Nom de l’usager ou mots de la demande"),
}


class SearchView(AgentRequiredMixin, View):
    template_name = "guichet/backoffice/search.html"

    def get(self, request):
        query = request.GET.get("q", "").strip()[:200]
        terms = selectors.understand_query(query)
        tickets = selectors.search_tickets(query, user=request.user)
        page = page_of(request, tickets) if terms.kind != "empty" else None
        # A reference names one ticket: go straight to it, as agents expect.
        if terms.kind in ("reference", "number") and page and page.paginator.count == 1:
            return redirect("guichet:ticket", pk=page.object_list[0].pk)
        return render(request, self.template_name, {
            "query": query, "terms": terms, "kind_label": KIND_LABELS.get(terms.kind, ""),
            "page": page, "tickets": page.object_list if page else [],
            "page_query": querystring_without(request, "page"),
            "limit": selectors.SEARCH_LIMIT, "now": timezone.now(),
        })
