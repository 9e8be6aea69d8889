"""Results: CSAT, first-contact resolution and answer rate, by theme, commune, channel, agent.

Figures are counted on surveys sent in the period (answer rate) and on their answers:
- CSAT = share of ratings 4 or 5 among ratings given;
- first-contact resolution = share of "yes, at first contact" among resolution answers;
- answer rate = surveys answered / surveys sent.
Everything here is aggregate (no personal data) except `verbatims`, for supervisors only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, Count, Q, QuerySet, When
from django.db.models.functions import TruncMonth

from guichet import survey_selectors

from . import verbatims as verbatim_analysis
from .models import Answer, ChatRating, FollowUp, Resolution, Survey

SENT_STATUSES = (Survey.Status.SENT, Survey.Status.ANSWERED, Survey.Status.EXPIRED)
SATISFIED = (4, 5)


@dataclass(frozen=True)
class Figures:
    sent: int
    answered: int
    rated: int
    satisfied: int
    resolution_answers: int
    first_contact: int
    unresolved: int

    @staticmethod
    def _share(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 1) if whole else None

    @property
    def csat(self) -> float | None:
        return self._share(self.satisfied, self.rated)

    @property
    def fcr(self) -> float | None:
        return self._share(self.first_contact, self.resolution_answers)

    @property
    def answer_rate(self) -> float | None:
        return self._share(self.answered, self.sent)

    def as_dict(self) -> dict:
        return {"sent": self.sent, "answered": self.answered, "rated": self.rated,
                "csat": self.csat, "fcr": self.fcr, "answer_rate": self.answer_rate,
                "unresolved": self.unresolved}


AGGREGATES = {
    "sent": Count("id"),
    "answered": Count("id", filter=Q(answer__isnull=False)),
    "rated": Count("id", filter=Q(answer__rating__isnull=False)),
    "satisfied": Count("id", filter=Q(answer__rating__in=SATISFIED)),
    "resolution_answers": Count("id", filter=~Q(answer__resolution="")
                                & Q(answer__resolution__isnull=False)),
    "first_contact": Count("id", filter=Q(answer__resolution=Resolution.FIRST_CONTACT)),
    "unresolved": Count("id", filter=Q(answer__resolution=Resolution.UNRESOLVED)),
}


def sent_surveys(*, start: datetime, end: datetime, theme_id: int | None = None,
                 commune_id: int | None = None, channel: str | None = None) -> QuerySet[Survey]:
    surveys = Survey.objects.filter(status__in=SENT_STATUSES, sent_at__gte=start,
                                    sent_at__lt=end)
    if theme_id:
        surveys = surveys.filter(theme_id=theme_id)
    if commune_id:
        surveys = surveys.filter(commune_id=commune_id)
    if channel:
        surveys = surveys.filter(ticket_channel=channel)
    return surveys


def overall(*, start: datetime, end: datetime, **filters) -> Figures:
    return Figures(**sent_surveys(start=start, end=end, **filters).aggregate(**AGGREGATES))


@dataclass(frozen=True)
class Row:
    key: object
    label: str
    figures: Figures


DIMENSIONS = {
    "theme": ("theme_id", ("theme__label",)),
    "commune": ("commune_id", ("commune__name",)),
    "channel": ("ticket_channel", ()),
    "agent": ("agent_id", ("agent__first_name", "agent__last_name", "agent__username")),
}


def by_dimension(dimension: str, *, start: datetime, end: datetime, **filters) -> list[Row]:
    """One row per theme / commune / channel / agent, most surveyed first."""
    key, label_fields = DIMENSIONS[dimension]
    rows = (sent_surveys(start=start, end=end, **filters).order_by()
            .values(key, *label_fields).annotate(**AGGREGATES).order_by("-sent"))
    channel_labels = survey_selectors.channel_labels() if dimension == "channel" else {}
    result = []
    for row in rows:
        figures = Figures(**{name: row[name] for name in AGGREGATES})
        result.append(Row(row[key], _label(dimension, row, channel_labels), figures))
    return result


def _label(dimension: str, row: dict, channel_labels: dict) -> str:
    if dimension == "channel":
        return channel_labels.get(row["ticket_channel"], row["ticket_channel"])
    if dimension == "agent":
        name = " ".join(p for p in (row["agent__first_name"], row["agent__last_name"]) if p)
        return name or row["agent__username"] or "Sans agent"
    value = row[DIMENSIONS[dimension][1][0]]
    return value or ("Sans thème" if dimension == "theme" else "Commune non renseignée")


def monthly(*, start: datetime, end: datetime, **filters) -> list[tuple[datetime, Figures]]:
    rows = (sent_surveys(start=start, end=end, **filters).order_by()
            .annotate(month=TruncMonth("sent_at")).values("month").annotate(**AGGREGATES)
            .order_by("month"))
    return [(row["month"], Figures(**{name: row[name] for name in AGGREGATES})) for row in rows]


@dataclass(frozen=True)
class ChatFigures:
    rated: int
    satisfied: int

    @property
    def csat(self) -> float | None:
        return Figures._share(self.satisfied, self.rated)


def chat_figures(*, start: datetime, end: datetime, theme_id: int | None = None) -> ChatFigures:
    ratings = ChatRating.objects.filter(rated_at__gte=start, rated_at__lt=end)
    if theme_id:
        ratings = ratings.filter(theme_id=theme_id)
    counts = ratings.aggregate(rated=Count("id"),
                               satisfied=Count("id", filter=Q(rating__in=SATISFIED)))
    return ChatFigures(**counts)


def summary(*, start: datetime, end: datetime, **filters) -> dict:
    """For the cockpit: the headline figures, aggregate only."""
    figures = overall(start=start, end=end, **filters).as_dict()
    chat = chat_figures(start=start, end=end, theme_id=filters.get("theme_id"))
    figures["chatbot"] = {"rated": chat.rated, "csat": chat.csat}
    return figures


# --- For supervisors (personal data: comments) --------------------------------------------------

def verbatims(*, start: datetime, end: datetime, theme_id: int | None = None,
              commune_id: int | None = None, max_rating: int | None = None) -> QuerySet[Answer]:
    answers = (Answer.objects.filter(survey__sent_at__gte=start, survey__sent_at__lt=end)
               .exclude(comment="").select_related("survey", "survey__theme", "survey__commune")
               .order_by("-answered_at", "-id"))
    if theme_id:
        answers = answers.filter(survey__theme_id=theme_id)
    if commune_id:
        answers = answers.filter(survey__commune_id=commune_id)
    if max_rating:
        answers = answers.filter(rating__lte=max_rating)
    return answers


def frequent_terms_by_theme(*, start: datetime, end: datetime, top: int = 10,
                            max_comments: int = 5000) -> list[tuple[str, list[tuple[str, int]]]]:
    """The words residents use most in their comments, theme by theme (stop words removed)."""
    comments: dict[str, list[str]] = {}
    rows = (verbatims(start=start, end=end)
            .values_list("survey__theme__label", "comment")[:max_comments])
    for theme, comment in rows:
        comments.setdefault(theme or "Sans thème", []).append(comment)
    return sorted(((theme, verbatim_analysis.frequent_terms(texts, top=top))
                   for theme, texts in comments.items()), key=lambda item: item[0])


def follow_ups(*, state: str | None = None) -> QuerySet[FollowUp]:
    items = FollowUp.objects.select_related("survey", "survey__theme", "survey__commune",
                                            "survey__answer", "assigned_to", "handled_by")
    if state:
        items = items.filter(state=state)
    first_open = Case(When(state=FollowUp.State.OPEN, then=0),
                      When(state=FollowUp.State.IN_PROGRESS, then=1), default=2)
    return items.order_by(first_open, "-created_at")


def open_follow_up_count() -> int:
    return FollowUp.objects.exclude(state=FollowUp.State.DONE).count()
