"""The dashboard: every figure of one cockpit page, with its comparison and drill-down link."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from guichet import indicators
from guichet.indicators import Scope
from guichet.models import Status

from . import activity, figures, formatting, sources
from .breakdowns import Breakdowns, breakdowns
from .figures import Link, Names, Sums, no_link
from .models import Grain, Rollup, RollupState
from .periods import Choice, Period, today


@dataclass(frozen=True)
class KeyFigure:
    key: str  # stable name, used by the live refresh
    label: str
    value: str
    hint: str = ""
    delta: str = ""
    delta_label: str = ""
    # "better" / "worse" / "" (neutral): whether the change is good news.
    tone: str = ""
    link: str | None = None


@dataclass
class Dashboard:
    choice: Choice
    scope: Scope
    names: Names
    sums: Sums
    previous: Sums
    backlog: indicators.Backlog
    today_count: int
    key_figures: list[KeyFigure]
    breakdowns: Breakdowns
    trend: list[figures.Point]
    monthly: list[figures.Point]
    activity: list[indicators.Activity]
    chatbot: object | None
    surveys: object | None
    rebuilding: bool = False
    links: dict = field(default_factory=dict)

    @property
    def period(self) -> Period:
        return self.choice.period

    @property
    def backlog_statuses(self) -> list[tuple[str, int]]:
        return [(str(Status(status).label), count)
                for status, count in self.backlog.by_status.items()]


def base_params(period: Period, scope: Scope, names: Names) -> dict:
    """The back-office queue's GET parameters that match the cockpit's filters."""
    params = {"created_from": period.start.isoformat(), "created_to": period.end.isoformat()}
    if scope.commune_id in names.communes:
        params["commune"] = names.communes[scope.commune_id].slug
    if scope.theme_id in names.themes:
        params["theme"] = names.themes[scope.theme_id].code
    if scope.channel:
        params["channel"] = scope.channel
    return params


def live_params(scope: Scope, names: Names) -> dict:
    """Same as base_params without the period (backlog and overdue are "now")."""
    params = base_params(Period(date.today(), date.today()), scope, names)
    params.pop("created_from")
    params.pop("created_to")
    return params


def today_count(scope: Scope, *, on: date | None = None) -> int:
    day = on or today()
    return sum(Rollup.objects.filter(figures.cell_q(scope), grain=Grain.DAY, period=day)
               .values_list("created", flat=True))


def key_figures(*, sums: Sums, previous: Sums, backlog: indicators.Backlog, today_total: int,
                link: Link, base: dict, live: dict) -> list[KeyFigure]:
    fmt = formatting
    resolution_median = sums.resolution(0.5)
    resolution_p90 = sums.resolution(0.9)
    first_median = sums.first_response(0.5)
    first_p90 = sums.first_response(0.9)
    return [
        KeyFigure("created", _("Demandes reçues"), fmt.number(sums.created),
                  delta=fmt.relative_delta(sums.created, previous.created),
                  delta_label=fmt.previous_label(previous.created),
                  link=link(base)),
        KeyFigure("today", _("Reçues aujourd’hui"), fmt.number(today_total),
                  link=link({**live, "created_from": today().isoformat(),
                             "created_to": today().isoformat()})),
        KeyFigure("backlog", _("En cours de traitement"), fmt.number(backlog.total),
                  hint=_("demandes ouvertes aujourd’hui"),
                  link=link({**live, "status": "open"})),
        KeyFigure("overdue", _("En retard"), fmt.number(backlog.overdue),
                  hint=_("ouvertes et au-delà du délai promis"),
                  tone="worse" if backlog.overdue else "",
                  link=link({**live, "status": "open", "overdue": "1"})),
        KeyFigure("complaints", _("Réclamations"), fmt.number(sums.complaints),
                  hint=fmt.share_hint(sums.complaint_share, _("des demandes")),
                  delta=fmt.relative_delta(sums.complaints, previous.complaints),
                  delta_label=fmt.previous_label(previous.complaints),
                  tone=fmt.tone(sums.complaints, previous.complaints, higher_is_better=False),
                  link=link({**base, "nature": "reclamation"})),
        KeyFigure("resolution_met", _("Traitées dans le délai promis"),
                  fmt.percent(sums.resolution_met_share),
                  hint=_("sur %(count)s demandes traitées") % {
                      "count": fmt.number(sums["res_count"])},
                  delta=fmt.points_delta(sums.resolution_met_share,
                                         previous.resolution_met_share),
                  delta_label=fmt.previous_percent_label(previous.resolution_met_share),
                  tone=fmt.tone(sums.resolution_met_share, previous.resolution_met_share),
                  link=link({**base, "status": "done"})),
        KeyFigure("first_response_met", _("Première réponse dans le délai"),
                  fmt.percent(sums.first_response_met_share),
                  hint=_("sur %(count)s demandes ayant reçu une réponse") % {
                      "count": fmt.number(sums["fr_count"])},
                  delta=fmt.points_delta(sums.first_response_met_share,
                                         previous.first_response_met_share),
                  delta_label=fmt.previous_percent_label(previous.first_response_met_share),
                  tone=fmt.tone(sums.first_response_met_share,
                                previous.first_response_met_share)),
        KeyFigure("resolution_median", _("Délai de traitement médian"),
                  fmt.duration(resolution_median),
                  hint=_("9 demandes sur 10 : %(p90)s") % {"p90": fmt.duration(resolution_p90)}
                  if resolution_p90 else _("en temps d’ouverture du service")),
        KeyFigure("first_response_median", _("Délai médian de première réponse"),
                  fmt.duration(first_median),
                  hint=_("9 demandes sur 10 : %(p90)s") % {"p90": fmt.duration(first_p90)}
                  if first_p90 else _("en temps d’ouverture du service")),
    ]


def build(choice: Choice, scope: Scope, *, link: Link = no_link, names: Names | None = None,
          with_sources: bool = True) -> Dashboard:
    names = names or Names.load()
    period = choice.period
    sums = figures.totals(period, scope)
    previous = figures.totals(choice.previous, scope)
    backlog = figures.backlog(scope)
    base = base_params(period, scope, names)
    live = live_params(scope, names)
    today_total = today_count(scope)
    state = RollupState.objects.filter(pk=1).first()
    return Dashboard(
        choice=choice, scope=scope, names=names, sums=sums, previous=previous, backlog=backlog,
        today_count=today_total,
        key_figures=key_figures(sums=sums, previous=previous, backlog=backlog,
                                today_total=today_total, link=link, base=base, live=live),
        breakdowns=breakdowns(period, scope, sums, names, link=link, base_params=base),
        trend=figures.with_links(figures.trend(period, scope), link, base),
        monthly=figures.with_links(figures.monthly_year_on_year(scope), link, live),
        activity=activity.recent_activity(scope, names),
        chatbot=sources.chatbot(period, scope) if with_sources else None,
        surveys=sources.surveys(period, scope) if with_sources else None,
        rebuilding=bool(state and state.rebuilding),
        links={"overdue": link({**live, "status": "open", "overdue": "1"}),
               "backlog": link({**live, "status": "open"}),
               "complaints": link({**base, "nature": "reclamation"}),
               "complaints_open": link({**base, "nature": "reclamation", "status": "open"})},
    )


def live_figures(choice: Choice, scope: Scope) -> dict:
    """The counters the page refreshes without reloading (JSON for the live endpoint)."""
    period = choice.period
    sums = figures.totals(period, scope)
    previous = figures.totals(choice.previous, scope)
    backlog = figures.backlog(scope)
    figures_list = key_figures(sums=sums, previous=previous, backlog=backlog,
                               today_total=today_count(scope), link=no_link, base={}, live={})
    return {figure.key: {"value": figure.value, "hint": figure.hint, "delta": figure.delta}
            for figure in figures_list}
