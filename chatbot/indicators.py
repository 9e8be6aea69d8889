"""Reads on Sophie's conversations for the cockpit (owned by the cockpit; aggregates only).

No conversation text leaves this module except the most frequent questions Sophie did not
understand, and only once masked (contacts, numbers) and asked in at least two conversations,
so that a single resident's words never appear on an élu's screen.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q

from maison import calendar

from .models import Conversation, Intent, Turn

EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", re.UNICODE)
DIGITS_RE = re.compile(r"\+?\d[\d .\-/]{2,}\d|\d{2,}")
SPACES_RE = re.compile(r"\s+")
MIN_CONVERSATIONS_FOR_A_QUESTION = 2
QUESTION_MAX_CHARS = 120


@dataclass(frozen=True)
class Question:
    text: str
    count: int


@dataclass(frozen=True)
class ConversationFigures:
    conversations: int
    self_served: int  # ended without asking for a person nor opening a request
    handoffs: int  # asked for a person (live chat)
    with_ticket: int  # left a request for the service
    rated: int
    satisfied: int  # rated 4 or 5
    unanswered: list[Question] = field(default_factory=list)

    @property
    def self_served_share(self) -> float | None:
        return self.self_served / self.conversations if self.conversations else None

    @property
    def csat(self) -> float | None:
        return self.satisfied / self.rated if self.rated else None


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = calendar.local_tz()
    return (datetime.combine(start, time.min, tz),
            datetime.combine(end + timedelta(days=1), time.min, tz))


def mask(text: str) -> str:
    """A question without what could point at someone: emails and numbers masked."""
    text = EMAIL_RE.sub("[courriel]", text or "")
    text = DIGITS_RE.sub("[nombre]", text)
    text = SPACES_RE.sub(" ", text).strip()
    return text[:QUESTION_MAX_CHARS]


def conversation_figures(*, start: date, end: date, commune_id: int | None = None,
                         theme_id: int | None = None, top: int = 5) -> ConversationFigures:
    """Conversations begun in [start, end] (local days). Sophie does not record a commune,
    so the commune filter does not apply; the theme is that of the last intent understood."""
    since, until = _bounds(start, end)
    conversations = Conversation.objects.filter(created_at__gte=since, created_at__lt=until)
    if theme_id:
        codes = Intent.objects.filter(theme_id=theme_id).values_list("code", flat=True)
        conversations = conversations.filter(last_intent__in=list(codes))
    with_ticket = ~Q(tickets=[])
    counts = conversations.aggregate(
        conversations=Count("pk"),
        handoffs=Count("pk", filter=Q(handoff_at__isnull=False)),
        with_ticket=Count("pk", filter=with_ticket),
        self_served=Count("pk", filter=Q(handoff_at__isnull=True) & ~with_ticket),
        rated=Count("pk", filter=Q(rating__isnull=False)),
        satisfied=Count("pk", filter=Q(rating__gte=4)),
    )
    return ConversationFigures(**counts, unanswered=unanswered_questions(
        conversations=conversations, since=since, until=until, top=top))


def unanswered_questions(*, conversations, since: datetime, until: datetime,
                         top: int = 5) -> list[Question]:
    """What residents asked most often that Sophie did not understand (masked)."""
    turns = (Turn.objects.filter(role=Turn.Role.USAGER, created_at__gte=since,
                                 created_at__lt=until, conversation__in=conversations)
             .filter(Q(needs_review=True) | Q(reviewed_at__isnull=False))
             .order_by("-created_at", "-pk")  # the latest wording is the one shown
             .values_list("conversation_id", "text")[:20000])
    asked_in: dict[str, set] = {}
    shown: dict[str, str] = {}
    for conversation_id, text in turns:
        masked = mask(text)
        key = masked.casefold().rstrip(" ?!.")
        if not key:
            continue
        asked_in.setdefault(key, set()).add(conversation_id)
        shown.setdefault(key, masked)
    counts = Counter({key: len(ids) for key, ids in asked_in.items()
                      if len(ids) >= MIN_CONVERSATIONS_FOR_A_QUESTION})
    return [Question(text=shown[key], count=count) for key, count in counts.most_common(top)]
