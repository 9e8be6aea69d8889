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

from maison import calendar

from . import selectors

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


def satisfaction_figures(*, start: date, end: date, commune_id: int | None = None,
                         theme_id: int | None = None, channel: str | None = None,
                         latest: int = 5) -> SatisfactionFigures:
    since, until = _bounds(start, end)
    filters = {"theme_id": theme_id, "commune_id": commune_id, "channel": channel}
    figures = selectors.overall(start=since, end=until, **filters)
    answers = (selectors.verbatims(start=since, end=until, theme_id=theme_id,
                                   commune_id=commune_id)
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
    return SatisfactionFigures(
        sent=figures.sent, answered=figures.answered, rated=figures.rated,
        satisfied=figures.satisfied, resolution_answers=figures.resolution_answers,
        first_contact=figures.first_contact, verbatims=verbatims)
