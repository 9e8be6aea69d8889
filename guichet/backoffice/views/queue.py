"""The agents' landing page: my queue, my team's, all tickets; filters, sorting, counts."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import View

from ... import selectors
from ..access import AgentRequiredMixin
from ..forms import QueueFilterForm

PAGE_SIZE = 25
SCOPE_LABELS = {"mine": _("Mes demandes"), "team": _("Mon équipe"),
                "all": _("Toutes les demandes")}


class CappedPaginator(Paginator):
    """Counts at most COUNT_CAP rows: page numbers past that are not worth a full count.
    A page of tickets is read ids first (selectors.page_of_tickets)."""

    def __init__(self, object_list, per_page, *, known_count: int | None = None):
        super().__init__(object_list, per_page)
        self.known_count = known_count

    @cached_property
    def count(self):
        if self.known_count is not None:
            return self.known_count
        return int(selectors.capped_count(self.object_list))

    def page(self, number):
        number = self.validate_number(number)
        start = (number - 1) * self.per_page
        stop = min(start + self.per_page, self.count)
        return self._get_page(selectors.page_of_tickets(self.object_list, start, stop),
                              number, self)


def page_of(request, tickets, size: int = PAGE_SIZE, *, known_count: int | None = None):
    return CappedPaginator(tickets, size, known_count=known_count).get_page(
        request.GET.get("page"))


def querystring_without(request, *names: str) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


class QueueView(AgentRequiredMixin, View):
    template_name = "guichet/backoffice/queue.html"

    def get(self, request):
        scope = request.GET.get("scope", "mine")
        if scope not in selectors.SCOPES:
            scope = "mine"
        form = QueueFilterForm(request.GET or None)
        valid = form.is_valid() if form.is_bound else True
        filters = form.selector_filters() if form.is_bound and valid else {"status": "open"}
        ordering = form.ordering() if form.is_bound and valid else selectors.DEFAULT_ORDERING
        tickets = selectors.ticket_queue(user=request.user, scope=scope, filters=filters,
                                         ordering=ordering)
        # Tab counts follow the status filter only: "my open tickets", whatever else is
        # narrowed below (and cheap: they are read from the status-led indexes).
        status_only = {"status": filters.get("status", "")}
        counts = selectors.queue_counts(user=request.user, filters=status_only)
        narrowed = any(value not in (None, "", False) for key, value in filters.items()
                       if key != "status")
        total = selectors.capped_count(tickets) if narrowed else counts[scope]
        page = page_of(request, tickets, known_count=int(total))
        tabs = [{"scope": key, "label": label, "count": counts[key],
                 "current": key == scope} for key, label in SCOPE_LABELS.items()]
        context = {
            "form": form, "page": page, "tickets": page.object_list, "tabs": tabs,
            "scope": scope, "scope_label": SCOPE_LABELS[scope],
            "total": total, "filtered": bool(request.GET.keys() - {"scope", "page"}),
            "tab_query": querystring_without(request, "scope", "page"),
            "page_query": querystring_without(request, "page"),
            "now": timezone.now(),
        }
        return render(request, self.template_name, context, status=200 if valid else 400)
