"""Reads on satisfaction surveys for the cockpit (owned by the cockpit; aggregates only).

Built on surveys.selectors (CSAT = share of 4–5 among ratings, first-contact resolution,
answer rate, all on surveys sent in the period). The latest comments are anonymised before
they leave: the respondent's own names and contacts, any email, phone number or long number
are masked, and only the theme and the month are kept — never the reference or the person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import phonenumbers
from django.db.models.functions import TruncDate

from maison import calendar

from . import selectors
from .models import Survey

EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", re.UNICODE)
NUMBER_RE = re.compile(r"\d[\d .\-/]{3,}\d")
VERBATIM_MAX_CHARS = 280
MIN_NAME_LENGTH = 3


@dataclass(frozen=True)
class Verbatim:
    text: str
    rating: int | None
    theme: str
    month: date


@dataclass(frozen=True)
class SatisfactionFigures:
    sent: int
    answered: int
    rated: int
    satisfied: int
    resolution_answers: int
    first_contact: int
    verbatims: list[Verbatim] = field(default_factory=list)

    @property
    def csat(self) -> float | None:
        return self.satisfied / self.rated if self.rated else None

    @property
    def first_contact_resolution(self) -> float | None:
        return self.first_contact / self.resolution_answers if self.resolution_answers else None

    @property
    def answer_rate(self) -> float | None:
        return self.answered / self.sent if self.sent else None


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = calendar.local_tz()
    return (datetime.combine(start, time.min, tz),
            datetime.combine(end + timedelta(days=1), time.min, tz))


def anonymise(text: str, *, known: list[str] = ()) -> str:
    """A comment with nothing that could name or reach its author."""
    text = EMAIL_RE.sub("[courriel]", text or "")
    for match in reversed(list(phonenumbers.PhoneNumberMatcher(text, "FR"))):
        text = text[:match.start] + "[téléphone]" + text[match.end:]
    text = NUMBER_RE.sub("[nombre]", text)
    for word in sorted({w for w in known if w and len(w) >= MIN_NAME_LENGTH}, key=len,
                       reverse=True):
        text = re.sub(rf"\b{re.escape(word)}\b", "[nom]", text, flags=re.IGNORECASE)
    text = text.strip()
    if len(text) > VERBATIM_MAX_CHARS:
        text = text[:VERBATIM_MAX_CHARS - 1].rstrip() + "…"
    return text


def _known_words(answer) -> list[str]:
    usager = answer.survey.usager
    words = []
    if usager is not None:
        for value in (usager.first_name, usager.last_name, usager.organisation):
            words += [value, *re.split(r"[\s\-']+", value or "")]
    if answer.survey.contact_point is not None:
        words.append(answer.survey.contact_point.value)
    return words


COUNT_NAMES = ("sent", "answered", "rated", "satisfied", "resolution_answers", "first_contact")


def daily_counts(*, first: date, last: date) -> list[dict]:
    """Survey counts per local day of sending, commune, theme and ticket channel, for the
    cockpit's pre-aggregated rows (keys: day, commune_id, theme_id, channel, and COUNT_NAMES)."""
    since, until = _bounds(first, last)
    rows = (selectors.sent_surveys(start=since, end=until).order_by()
            .annotate(day=TruncDate("sent_at", tzinfo=calendar.local_tz()))
            .values("day", "commune_id", "theme_id", "ticket_channel")
            .annotate(**{name: selectors.AGGREGATES[name] for name in COUNT_NAMES}))
    return [{"day": row["day"], "commune_id": row["commune_id"] or 0,
             "theme_id": row["theme_id"] or 0, "channel": row["ticket_channel"],
             **{name: row[name] for name in COUNT_NAMES}} for row in rows]


def first_sent_day() -> date | None:
    first = (Survey.objects.filter(status__in=selectors.SENT_STATUSES, sent_at__isnull=False)
             .order_by("sent_at").values_list("sent_at", flat=True).first())
    return first.astimezone(calendar.local_tz()).date() if first else None


def latest_verbatims(*, start: date, end: date, commune_id: int | None = None,
                     theme_id: int | None = None, channel: str | None = None,
                     latest: int = 5) -> list[Verbatim]:
    """The latest comments on surveys sent in the period, anonymised (the answers index is
    bounded by the period: an answer never comes before its survey)."""
    since, until = _bounds(start, end)
    answers = (selectors.verbatims(start=since, end=until, theme_id=theme_id,
                                   commune_id=commune_id)
               .filter(answered_at__gte=since)
               .select_related("survey__usager", "survey__contact_point"))
    if channel:
        answers = answers.filter(survey__ticket_channel=channel)
    verbatims = []
    for answer in answers[:latest]:
        local = answer.answered_at.astimezone(calendar.local_tz())
        verbatims.append(Verbatim(
            text=anonymise(answer.comment, known=_known_words(answer)), rating=answer.rating,
            theme=answer.survey.theme.label if answer.survey.theme_id else "",
            month=local.date().replace(day=1)))
    return verbatims


def satisfaction_figures(*, start: date, end: date, commune_id: int | None = None,
                         theme_id: int | None = None, channel: str | None = None,
                         latest: int = 5) -> SatisfactionFigures:
    """Counted straight from the surveys: the reference the cockpit's pre-aggregated rows
    are tested against (the cockpit itself reads those rows, fast at any volume)."""
    since, until = _bounds(start, end)
    filters = {"theme_id": theme_id, "commune_id": commune_id, "channel": channel}
    figures = selectors.overall(start=since, end=until, **filters)
    verbatims = latest_verbatims(start=start, end=end, commune_id=commune_id,
                                 theme_id=theme_id, channel=channel, latest=latest)
    return SatisfactionFigures(
        sent=figures.sent, answered=figures.answered, rated=figures.rated,
        satisfied=figures.satisfied, resolution_answers=figures.resolution_answers,
        first_contact=figures.first_contact, verbatims=verbatims)
