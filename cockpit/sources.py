"""Figures from the other rooms (Sophie, satisfaction surveys), read through their selectors.

Each room's indicators module may not exist yet on a given installation: the cockpit then
says "pas encore de données" instead of showing numbers it does not have.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass

from django.db.models import Sum
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from guichet.indicators import Scope

from . import formatting
from .periods import Period


def _module(name: str):
    """The room's indicators module, or None while it has not been written."""
    if importlib.util.find_spec(name) is None:
        return None
    return importlib.import_module(name)


@dataclass
class ChatbotPanel:
    figures: object
    commune_filtered: bool

    def rows(self) -> list[tuple[str, str]]:
        f = self.figures
        rows = [
            (_("Conversations"), formatting.number(f.conversations)),
            (_("Réglées par Sophie seule"), formatting.percent(f.self_served_share)),
            (_("Mises en relation avec un conseiller"), formatting.number(f.handoffs)),
            (_("Demandes laissées au service"), formatting.number(f.with_ticket)),
            (_("Satisfaction (notes 4 ou 5)"), formatting.percent(f.csat)
             + (f" ({formatting.number(f.rated)} {_('notes')})" if f.rated else "")),
        ]
        if self.commune_filtered:
            rows.append((_("Note"), _("Sophie ne connaît pas la commune : ces chiffres "
                                      "portent sur toutes les communes.")))
        return rows

    @property
    def unanswered(self):
        return self.figures.unanswered


@dataclass
class VerbatimLine:
    text: str
    meta: str


@dataclass
class SurveysPanel:
    figures: object

    def rows(self) -> list[tuple[str, str]]:
        f = self.figures
        return [
            (_("Satisfaction (CSAT, notes 4 ou 5)"), formatting.percent(f.csat)),
            (_("Résolues dès le premier contact"),
             formatting.percent(f.first_contact_resolution)),
            (_("Enquêtes envoyées"), formatting.number(f.sent)),
            (_("Taux de réponse"), formatting.percent(f.answer_rate)),
            (_("Réponses"), formatting.number(f.answered)),
        ]

    @property
    def verbatims(self) -> list[VerbatimLine]:
        lines = []
        for verbatim in self.figures.verbatims:
            parts = [verbatim.theme or _("Thème non précisé"),
                     date_format(verbatim.month, "F Y")]
            if verbatim.rating:
                parts.insert(0, _("%(rating)s/5") % {"rating": verbatim.rating})
            lines.append(VerbatimLine(text=verbatim.text, meta=" · ".join(parts)))
        return lines


def chatbot(period: Period, scope: Scope) -> ChatbotPanel | None:
    module = _module("chatbot.indicators")
    if module is None:
        return None
    figures = module.conversation_figures(start=period.start, end=period.end,
                                          commune_id=scope.commune_id, theme_id=scope.theme_id)
    return ChatbotPanel(figures=figures, commune_filtered=bool(scope.commune_id))


def survey_figures(period: Period, scope: Scope, module):
    """surveys.indicators.SatisfactionFigures (same meaning, same ratios), summed from the
    cockpit's rollups instead of counted from the surveys."""
    from .figures import cell_q
    from .models import SURVEY_MEASURES, SurveyRollup

    sums = (SurveyRollup.objects.filter(period.rollup_q(), cell_q(scope))
            .aggregate(**{name: Sum(name) for name in SURVEY_MEASURES}))
    verbatims = module.latest_verbatims(start=period.start, end=period.end,
                                        commune_id=scope.commune_id, theme_id=scope.theme_id,
                                        channel=scope.channel)
    return module.SatisfactionFigures(**{name: sums[name] or 0 for name in SURVEY_MEASURES},
                                      verbatims=verbatims)


def surveys(period: Period, scope: Scope) -> SurveysPanel | None:
    module = _module("surveys.indicators")
    if module is None:
        return None
    return SurveysPanel(survey_figures(period, scope, module))
