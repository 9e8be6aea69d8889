"""Exports for council meetings: the indicators of a period, and its tickets anonymised.

CSV with a semicolon and a byte-order mark, so that a spreadsheet opens it in French
straight away. Nothing personal is exported: no usager, subject, address or message.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import datetime, time, timedelta

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from crm.models import Category
from guichet import indicators
from guichet.models import Channel, CloseReason, Nature, Status
from maison import calendar

from . import dashboard, formatting
from .forms import FiltersForm
from .views import cockpit_access, refresh_rollups

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """Text a spreadsheet will never run as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(rows: Iterable[Iterable]) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=";")
    yield BOM
    for row in rows:
        yield writer.writerow([safe_cell(value) for value in row])


def _filename(kind: str, choice) -> str:
    return f"cockpit-{kind}-{choice.period.start:%Y%m%d}-{choice.period.end:%Y%m%d}.csv"


def _attachment(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _form_or_error(request):
    form = FiltersForm(request.GET or None)
    if request.GET and not form.is_valid():
        errors = "; ".join(str(error) for errors in form.errors.values() for error in errors)
        return None, HttpResponse(_("Filtres invalides : %(errors)s") % {"errors": errors},
                                  status=400, content_type="text/plain; charset=utf-8")
    return form, None


def indicator_rows(board: dashboard.Dashboard) -> Iterator[list]:
    period, previous = board.choice.period, board.choice.previous
    yield [_("Cockpit de la Maison des Services — Cœur Côte Fleurie")]
    yield [_("Période"), period.label()]
    yield [_("Comparée à"), previous.label()]
    yield [_("Commune"), board.names.commune(board.scope.commune_id)
           if board.scope.commune_id else _("Toutes")]
    yield [_("Thème"), board.names.theme(board.scope.theme_id)
           if board.scope.theme_id else _("Tous")]
    yield [_("Canal"), Channel(board.scope.channel).label if board.scope.channel else _("Tous")]
    yield []
    yield [_("Indicateur"), _("Valeur"), _("Évolution"), _("Précision")]
    for figure in board.key_figures:
        yield [figure.label, figure.value, figure.delta, figure.hint]
    sections = [
        (_("Par canal"), board.breakdowns.channel),
        (_("Par thème"), board.breakdowns.theme),
        (_("Par sous-thème (motif)"), board.breakdowns.subtheme),
        (_("Par nature"), board.breakdowns.nature),
        (_("Par commune"), board.breakdowns.commune),
        (_("Par catégorie d’usager"), board.breakdowns.category),
        (_("Par statut actuel"), board.breakdowns.status),
        (_("Réclamations par thème"), board.breakdowns.complaints_by_theme),
        (_("Réclamations par commune"), board.breakdowns.complaints_by_commune),
    ]
    for title, rows in sections:
        yield []
        yield [title, _("Demandes"), _("Part")]
        for row in rows:
            yield [row.label, row.count, formatting.percent(row.share)]
    yield []
    yield [_("Répartition mensuelle"), _("Demandes"), _("Un an avant")]
    for point in board.monthly:
        yield [point.long_label, point.value, point.previous]
    for title, section in ((_("Sophie (chatbot)"), board.chatbot),
                           (_("Satisfaction"), board.surveys)):
        yield []
        yield [title]
        if section is None:
            yield [_("Pas encore de données")]
            continue
        for label, value in section.rows():
            yield [label, value]


@require_GET
@cockpit_access
def export_indicators(request):
    form, error = _form_or_error(request)
    if error:
        return error
    refresh_rollups()
    choice = form.choice()
    board = dashboard.build(choice, form.scope())
    response = HttpResponse("".join(_csv_lines(indicator_rows(board))),
                            content_type="text/csv; charset=utf-8")
    return _attachment(response, _filename("indicateurs", choice))


TICKET_HEADER = tuple(map(gettext_lazy, (
    "Référence", "Reçue le", "Canal", "Nature", "Thème", "Sous-thème", "Commune",
    "Catégorie d’usager", "Statut", "Motif de clôture", "Première réponse attendue",
    "Première réponse", "Échéance", "Résolue le", "Close le", "Dans le délai")))


def _local(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def ticket_rows(rows: Iterable[dict]) -> Iterator[list]:
    labels = {**dict(Channel.choices), **dict(Nature.choices)}
    statuses, reasons = dict(Status.choices), dict(CloseReason.choices)
    categories = dict(Category.choices)
    yield [str(title) for title in TICKET_HEADER]
    for row in rows:
        done = row["resolved_at"] or row["closed_at"]
        met = "" if not done or not row["due_at"] else (_("oui") if done <= row["due_at"]
                                                        else _("non"))
        yield [row["reference"], _local(row["created_at"]), labels.get(row["channel"], ""),
               labels.get(row["nature"], ""), row["theme__label"] or "",
               row["subtheme__label"] or "", row["commune__name"] or "",
               categories.get(row["usager_category"], ""), statuses.get(row["status"], ""),
               reasons.get(row["close_reason"], ""), _local(row["first_response_due_at"]),
               _local(row["first_response_at"]), _local(row["due_at"]),
               _local(row["resolved_at"]), _local(row["closed_at"]), met]


@require_GET
@cockpit_access
def export_tickets(request):
    form, error = _form_or_error(request)
    if error:
        return error
    choice = form.choice()
    tz = calendar.local_tz()
    start = datetime.combine(choice.period.start, time.min, tz)
    end = datetime.combine(choice.period.end + timedelta(days=1), time.min, tz)
    rows = indicators.anonymised_tickets(start=start, end=end, scope=form.scope())
    response = StreamingHttpResponse(_csv_lines(ticket_rows(rows)),
                                     content_type="text/csv; charset=utf-8")
    return _attachment(response, _filename("demandes", choice))
