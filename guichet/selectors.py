"""Reads on tickets for the back office and the API: tuned queries, no writes.

Every query here is meant to answer within 100 ms with a million tickets in PostgreSQL; the
indexes that make it so are created by guichet/migrations/0002 and 0004 (and crm/migrations/0004
for names, accents aside). On SQLite (the embedded default) full-text and trigram searches fall
back to LIKE on unaccented text.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Upper
from django.utils import timezone
from rapidfuzz import fuzz, utils

from crm import selectors as crm_selectors
from crm import services as crm_services
from crm.models import ContactPoint, Usager
from crm.unaccent import Unaccent
from maison import roles

from .models import (
    DONE_STATUSES,
    OPEN_STATUSES,
    KnowledgeArticle,
    Message,
    Ticket,
    TicketEvent,
)
from .services import parse_reference

SCOPES = ("mine", "team", "all")
# Counts past this are shown as "1 000+": an exact count of a million rows costs more than
# it tells an agent, who narrows the filters (or reverses the sort) instead. Counting up to
# the cap reads at most that many rows, whatever the filters.
COUNT_CAP = 1_000
# The tabs' counts read up to this many tickets of one status filter, in one query: every
# open ticket of a large service is counted exactly.
TAB_COUNT_CAP = 10_000
SEARCH_LIMIT = 200
# French with accents removed before stemming (guichet/migrations/0005).
FTS_CONFIG = "mds_french"

ORDERINGS = {
    "created": ("created_at", "id"),
    "-created": ("-created_at", "-id"),
    "due": (F("due_at").asc(nulls_last=True), "id"),
    "-due": (F("due_at").desc(nulls_last=True), "-id"),
    "priority": ("priority", "-created_at", "-id"),
    "-priority": ("-priority", "-created_at", "-id"),
    "updated": ("updated_at", "id"),
    "-updated": ("-updated_at", "-id"),
}
DEFAULT_ORDERING = "-created"
FILTER_KEYS = {"status", "theme", "subtheme", "commune", "channel", "nature", "priority", "queue",
               "assignee", "overdue", "created_from", "created_to", "unassigned"}
# Status filter groups, besides a single status value.
STATUS_GROUPS = {"open": OPEN_STATUSES, "done": DONE_STATUSES}

LIST_RELATED = ("usager", "theme", "subtheme", "commune", "assignee", "queue")


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


# --- The queue ---------------------------------------------------------------------------------

def ticket_queue(*, user, scope: str = "mine", filters: dict | None = None,
                 ordering: str = DEFAULT_ORDERING) -> QuerySet[Ticket]:
    """The tickets an agent works on: theirs, their team's, or all, filtered and sorted.

    `filters` keys: status ("open", "done", a status value, or empty for any), theme,
    subtheme, commune, channel, nature, priority, queue, assignee (ids or instances),
    unassigned, overdue (bools), created_from / created_to (dates, inclusive).
    """
    if not roles.handles_tickets(user):
        return Ticket.objects.none()
    tickets = _scoped(Ticket.objects.all(), user=user, scope=scope)
    tickets = apply_filters(tickets, filters or {})
    return tickets.select_related(*LIST_RELATED).order_by(*_ordering(ordering))


def _scoped(tickets: QuerySet[Ticket], *, user, scope: str) -> QuerySet[Ticket]:
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")
    if scope == "mine":
        return tickets.filter(assignee=user)
    if scope == "team":
        queue_ids = team_queue_ids(user)
        # An agent outside every queue works for the whole service.
        return tickets.filter(queue_id__in=queue_ids) if queue_ids else tickets
    return tickets


def team_queue_ids(user) -> list[int]:
    cached = getattr(user, "_mds_queue_ids", None)
    if cached is None:
        cached = list(user.queues.values_list("id", flat=True))
        user._mds_queue_ids = cached
    return cached


def apply_filters(tickets: QuerySet[Ticket], filters: dict[str, Any]) -> QuerySet[Ticket]:
    unknown = set(filters) - FILTER_KEYS
    if unknown:
        raise TypeError(f"unknown ticket filters: {', '.join(sorted(unknown))}")
    values = {key: value for key, value in filters.items() if value not in (None, "", [], ())}
    status = values.pop("status", None)
    if status in STATUS_GROUPS:
        tickets = tickets.filter(status__in=STATUS_GROUPS[status])
    elif status:
        tickets = tickets.filter(status=status)
    for key in ("theme", "subtheme", "commune", "queue", "assignee"):
        if key in values:
            tickets = tickets.filter(**{f"{key}_id": _pk(values[key])})
    for key in ("channel", "nature", "priority"):
        if key in values:
            tickets = tickets.filter(**{key: values[key]})
    if values.get("unassigned"):
        tickets = tickets.filter(assignee__isnull=True)
    if values.get("overdue"):
        tickets = tickets.filter(overdue_q())
    if "created_from" in values:
        tickets = tickets.filter(created_at__gte=_start_of(values["created_from"]))
    if "created_to" in values:
        tickets = tickets.filter(created_at__lt=_start_of(values["created_to"]) + timedelta(days=1))
    return tickets


def overdue_q(now: datetime | None = None) -> Q:
    """Open and past the committed deadline (the deadline is already in business time)."""
    return Q(status__in=OPEN_STATUSES, due_at__lt=now or timezone.now())


def _pk(value) -> int:
    return getattr(value, "pk", value)


def _start_of(day: date | datetime) -> datetime:
    if isinstance(day, datetime):
        return day
    return timezone.make_aware(datetime.combine(day, time.min))


def _ordering(ordering: str) -> tuple:
    return ORDERINGS.get(ordering or DEFAULT_ORDERING, ORDERINGS[DEFAULT_ORDERING])


@dataclass(frozen=True)
class CappedCount:
    """A count that stops at a cap: "1 000+" is all an agent needs past that."""

    value: int
    capped: bool

    def __str__(self) -> str:
        from django.contrib.humanize.templatetags.humanize import intcomma

        return f"{intcomma(self.value)}+" if self.capped else intcomma(self.value)

    def __int__(self) -> int:
        return self.value


def capped_count(tickets: QuerySet, cap: int = COUNT_CAP) -> CappedCount:
    found = tickets.order_by()[: cap + 1].count()
    return CappedCount(min(found, cap), found > cap)


def queue_counts(*, user, filters: dict | None = None, cap: int = TAB_COUNT_CAP,
                 scope_cap: int = COUNT_CAP) -> dict[str, CappedCount]:
    """The number on each tab (mine, team, all) under the same filters.

    One query counts the three tabs over the first `cap + 1` tickets of "all": exact when
    "all" stays under the cap (the open tickets, the usual case). Past it, "mine" and "team"
    get a count of their own, capped at `scope_cap`.
    """
    if not roles.handles_tickets(user):
        return {scope: CappedCount(0, False) for scope in SCOPES}
    tickets = apply_filters(Ticket.objects.all(), filters or {})
    queue_ids = team_queue_ids(user)
    team = Q(queue_id__in=queue_ids) if queue_ids else Q(pk__isnull=False)
    sample = tickets.order_by()[: cap + 1].aggregate(
        all=Count("pk"), mine=Count("pk", filter=Q(assignee_id=user.pk)),
        team=Count("pk", filter=team))
    if sample["all"] <= cap:
        return {scope: CappedCount(sample[scope], False) for scope in SCOPES}
    return {"all": CappedCount(cap, True),
            **{scope: capped_count(_scoped(tickets, user=user, scope=scope), scope_cap)
               for scope in ("mine", "team")}}


def page_of_tickets(tickets: QuerySet[Ticket], start: int, stop: int) -> list[Ticket]:
    """Rows `start` to `stop` of a sorted queue, in two steps: the ids from the tickets table
    alone (an index walk, or a small top-N sort), then those rows with their related names.

    In one query PostgreSQL joins usagers, themes and agents to every matching ticket before
    sorting (1,700 overdue tickets: 1,700 look-ups for 25 rows shown).
    """
    ids = list(tickets.values_list("pk", flat=True)[start:stop])
    by_pk = {ticket.pk: ticket for ticket in tickets.order_by().filter(pk__in=ids)}
    return [by_pk[pk] for pk in ids if pk in by_pk]


def overdue_tickets(*, now: datetime | None = None) -> QuerySet[Ticket]:
    """Open tickets past their deadline, the most late first."""
    return (Ticket.objects.filter(overdue_q(now)).select_related(*LIST_RELATED)
            .order_by("due_at", "id"))


# --- Search ------------------------------------------------------------------------------------

PHONE_CHARS_RE = re.compile(r"^[\d\s.+()\-/]+$")
DIGITS_RE = re.compile(r"\d")


@dataclass(frozen=True)
class SearchTerms:
    """What an agent typed, understood: a reference, a ticket number, an email, a phone
    number (full or partial) or words (names and text)."""

    kind: str  # "reference" | "number" | "email" | "partial_email" | "phone" | "partial_phone"
    # | "text" | "empty"
    value: str


def understand_query(query: str) -> SearchTerms:
    text = " ".join((query or "").split())[:200]
    if not text:
        return SearchTerms("empty", "")
    reference = parse_reference(text)
    if reference:
        return SearchTerms("reference", reference)
    if "@" in text and " " not in text:
        try:
            return SearchTerms("email", crm_services.normalize_email(text))
        except ValidationError:
            return SearchTerms("partial_email", text.lower())
    if PHONE_CHARS_RE.match(text):
        digits = "".join(DIGITS_RE.findall(text))
        if len(digits) <= 7 and text.strip("0123456789") == "":
            return SearchTerms("number", str(int(digits)))  # a ticket number typed alone
        try:
            return SearchTerms("phone", crm_services.normalize_phone(text))
        except ValidationError:
            return SearchTerms("partial_phone", digits)
    return SearchTerms("text", text)


def search_tickets(query: str, *, user, limit: int = SEARCH_LIMIT) -> QuerySet[Ticket]:
    """Tickets matching a reference, a usager's name, email or phone, or words of the request.

    Exact identifiers (reference, email, phone) use unique indexes; words use PostgreSQL
    full-text search (French) on subjects and messages and trigram indexes on names. Results
    are the most recent `limit` matches.
    """
    if not roles.handles_tickets(user):
        return Ticket.objects.none()
    terms = understand_query(query)
    base = Ticket.objects.select_related(*LIST_RELATED).order_by("-created_at", "-id")
    if terms.kind == "empty":
        return base.none()
    if terms.kind == "reference":
        return base.filter(reference=terms.value)
    if terms.kind == "number":
        return base.filter(pk=int(terms.value))
    if terms.kind in ("email", "phone", "partial_email", "partial_phone"):
        usager_ids = _usagers_by_contact(terms)
        return base.filter(usager_id__in=usager_ids) if usager_ids else base.none()
    ids = set(_ticket_ids_by_text(terms.value, limit))
    usager_ids = list(usagers_by_name(terms.value).values_list("id", flat=True)[:limit])
    if usager_ids:
        ids.update(Ticket.objects.filter(usager_id__in=usager_ids).order_by("-created_at")
                   .values_list("id", flat=True)[:limit])
    return base.filter(pk__in=ids) if ids else base.none()


def _usagers_by_contact(terms: SearchTerms, limit: int = 50) -> list[int]:
    points = ContactPoint.objects.all()
    if terms.kind == "email":
        points = points.filter(kind=ContactPoint.Kind.EMAIL, value=terms.value)
    elif terms.kind == "phone":
        points = points.filter(kind=ContactPoint.Kind.PHONE, value=terms.value)
    elif terms.kind == "partial_email":
        if len(terms.value) < 3:
            return []
        # Emails are stored lower-cased: a plain LIKE uses the trigram index.
        points = points.filter(kind=ContactPoint.Kind.EMAIL, value__contains=terms.value)
    else:
        digits = terms.value.lstrip("0")  # "06 12 34" is stored as +33612 34…
        if len(digits) < 4:
            return []
        points = points.filter(kind=ContactPoint.Kind.PHONE, value__contains=digits)
    return list(points.values_list("usager_id", flat=True)[:limit])


WORD_RE = re.compile(r"[\w’'\-]+", re.UNICODE)


def usagers_by_name(text: str) -> QuerySet[Usager]:
    """Usagers whose first name, last name or organisation contain every word typed, accents
    and case aside ("lefevre" finds "Lefèvre"; trigram indexes on PostgreSQL)."""
    words = [word for word in WORD_RE.findall(text) if len(word) >= 2][:4]
    long_words = [word for word in words if len(word) >= 3] or words
    if not long_words:
        return Usager.objects.none()
    return crm_selectors.usagers_named(long_words).filter(erased_at__isnull=True).order_by(
        "-last_contact_at", "-id")


def _ticket_ids_by_text(text: str, limit: int) -> list[int]:
    """The most recent tickets whose subject or one of whose messages contains the words.

    On PostgreSQL, "ORDER BY date LIMIT n" tempts the planner to walk the date index and
    compute to_tsvector row by row until n rows match: instant for a common word, a scan of
    millions of messages for a rare one. So the GIN indexes answer (bitmap scans only), in
    growing windows of the newest tickets: a common word is found among the last tickets at
    once, and a rare one costs little to look for everywhere.
    """
    if not is_postgres():
        wanted = Unaccent(Upper(Value(text)))
        in_subject = (Ticket.objects.alias(folded=Unaccent(Upper("subject")))
                      .filter(folded__contains=wanted).order_by("-id")
                      .values_list("id", flat=True)[:limit])
        in_messages = (Message.objects.alias(folded=Unaccent(Upper("body")))
                       .filter(folded__contains=wanted).order_by("-ticket_id")
                       .values_list("ticket_id", flat=True).distinct()[:limit])
        return [*in_subject, *in_messages]
    from django.contrib.postgres.search import SearchQuery, SearchVector

    query = SearchQuery(text, config=FTS_CONFIG, search_type="websearch")
    subjects = Ticket.objects.annotate(fts=SearchVector("subject", config=FTS_CONFIG)).filter(
        fts=query)
    bodies = Message.objects.annotate(fts=SearchVector("body", config=FTS_CONFIG)).filter(
        fts=query)
    newest = Ticket.objects.order_by("-id").values_list("id", flat=True).first()
    found: list[int] = []
    window = FTS_FIRST_WINDOW
    with _bitmap_scans_only():
        while newest is not None:
            # Past a third of the tickets, bounding the window costs more (a bitmap of the range)
            # than it saves.
            everywhere = window * 3 >= newest
            in_subjects, in_bodies = subjects, bodies
            if not everywhere:
                in_subjects = subjects.filter(id__gt=newest - window)
                in_bodies = bodies.filter(ticket_id__gt=newest - window)
            # One statement for both: (subjects) UNION ALL (distinct tickets of messages).
            found = list(in_subjects.order_by("-id").values_list("id", flat=True)[:limit].union(
                in_bodies.order_by("-ticket_id").values_list("ticket_id", flat=True)
                .distinct()[:limit], all=True))
            matched = len(set(found))
            if matched >= limit or everywhere:
                break
            window *= max(FTS_GROWTH, -(-limit // max(matched, 1)))
    return found


# Full-text matches are looked for in a window of the newest tickets, widened until it holds
# `limit` matches: by FTS_GROWTH at least, or by as much as the matches found so far say is
# needed. Each window holds a few times `limit` matches at most, so the rows read stay
# proportional to the rows wanted, and a word absent from recent tickets costs three steps.
FTS_FIRST_WINDOW = 10_000
FTS_GROWTH = 5
# Enough memory for an exact bitmap of the matches: a lossy one makes PostgreSQL recompute
# to_tsvector for every message of every lossy page (seconds for two common words).
FTS_WORK_MEM = "32MB"
BITMAP_ONLY_SETTINGS = {"enable_seqscan": "off", "enable_indexscan": "off",
                        "enable_indexonlyscan": "off", "work_mem": FTS_WORK_MEM}


@contextmanager
def _bitmap_scans_only():
    """Within the current transaction, make PostgreSQL use the GIN indexes (bitmap scans).

    The settings are local to the transaction: one of our own ends with them; inside an outer
    transaction they are put back on the way out.
    """
    names = list(BITMAP_ONLY_SETTINGS)
    outer = connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        saved = None
        if outer:
            cursor.execute("SELECT " + ", ".join(f"current_setting('{name}')" for name in names))
            saved = cursor.fetchone()
        cursor.execute("SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(names)),
                       [part for item in BITMAP_ONLY_SETTINGS.items() for part in item])
        try:
            yield
        finally:
            if saved is not None:
                cursor.execute("SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(names)),
                               [part for pair in zip(names, saved, strict=True) for part in pair])


def search_usagers(query: str, *, limit: int = 10) -> list[Usager]:
    """Usagers for the counter's look-up: by email, phone (exact or partial) or name."""
    terms = understand_query(query)
    if terms.kind in ("empty", "reference", "number"):
        return []
    if terms.kind in ("email", "phone", "partial_email", "partial_phone"):
        usagers = Usager.objects.filter(pk__in=_usagers_by_contact(terms, limit))
    else:
        usagers = usagers_by_name(terms.value)
    open_tickets = Ticket.objects.filter(usager=OuterRef("pk"), status__in=OPEN_STATUSES)
    return list(usagers.filter(merged_into__isnull=True, erased_at__isnull=True)
                .select_related("commune")
                .prefetch_related(Prefetch("contact_points",
                                           queryset=ContactPoint.objects.order_by(
                                               "kind", "-is_primary", "id")))
                .annotate(has_open_ticket=Exists(open_tickets))
                .order_by("-last_contact_at", "-id")[:limit])


# --- One ticket --------------------------------------------------------------------------------

def ticket_detail_queryset() -> QuerySet[Ticket]:
    return Ticket.objects.select_related(
        "usager", "usager__commune", "theme", "subtheme", "commune", "street", "queue",
        "assignee", "duplicate_of", "follows")


def ticket_detail(pk: int) -> Ticket:
    """The ticket with everything its header shows; raises Ticket.DoesNotExist."""
    return ticket_detail_queryset().get(pk=pk)


@dataclass(frozen=True)
class TimelineItem:
    kind: str  # a Message.Direction value, or "event"
    at: datetime
    message: Message | None = None
    event: TicketEvent | None = None

    @property
    def key(self) -> str:
        return f"message-{self.message.pk}" if self.message else f"event-{self.event.pk}"


def ticket_timeline(ticket: Ticket) -> list[TimelineItem]:
    """Messages in and out, notes, calls (with their attachments) and the audit trail,
    merged in chronological order."""
    messages = (ticket.messages.select_related("author_user", "author_usager")
                .prefetch_related("attachments").order_by("created_at", "id"))
    items = [TimelineItem(kind=message.direction, at=message.created_at, message=message)
             for message in messages]
    events = ticket.events.select_related("actor").order_by("created_at", "id")
    items.extend(TimelineItem(kind="event", at=event.created_at, event=event)
                 for event in events)
    # Same instant: the audit event (e.g. "created") before the message it accompanies.
    return sorted(items, key=lambda item: (item.at, item.message is not None,
                                           (item.message or item.event).pk))


def first_message_text(ticket: Ticket) -> str:
    return (ticket.messages.filter(direction__in=[Message.Direction.IN, Message.Direction.CALL])
            .order_by("created_at", "id").values_list("body", flat=True).first() or "")


def suggested_articles(ticket: Ticket, limit: int = 5, *,
                       text: str | None = None) -> list[KnowledgeArticle]:
    """Published articles for this ticket: its sub-theme first, then its theme, then the
    articles whose title and keywords resemble the request."""
    if text is None:
        text = first_message_text(ticket)
    wanted = utils.default_process(f"{ticket.subject} {text[:600]}")
    scored = []
    articles = (KnowledgeArticle.objects.filter(published=True)
                .select_related("theme", "subtheme")[:1000])
    for article in articles:
        similarity = fuzz.token_set_ratio(
            wanted, utils.default_process(f"{article.title} {article.keywords}")) if wanted else 0
        if ticket.subtheme_id and article.subtheme_id == ticket.subtheme_id:
            rank = 2
        elif ticket.theme_id and article.theme_id == ticket.theme_id:
            rank = 1
        else:
            rank = 0
        if rank or similarity >= 60:
            scored.append((rank, similarity, article))
    scored.sort(key=lambda row: (-row[0], -row[1], row[2].title))
    return [article for _rank, _score, article in scored[:limit]]


# --- Knowledge base ----------------------------------------------------------------------------

def knowledge_articles(*, query: str = "", theme=None, include_drafts: bool = False):
    articles = KnowledgeArticle.objects.select_related("theme", "subtheme", "updated_by")
    if not include_drafts:
        articles = articles.filter(published=True)
    if theme:
        articles = articles.filter(theme_id=_pk(theme))
    for word in WORD_RE.findall(query or "")[:6]:
        articles = articles.filter(Q(title__icontains=word) | Q(keywords__icontains=word)
                                   | Q(body__icontains=word))
    return articles.order_by("theme__position", "title")


# --- Agents ------------------------------------------------------------------------------------

def ticket_handlers():
    """The people a ticket can be assigned to: active agents, supervisors and admins."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(is_active=True)
    return (users.filter(Q(is_superuser=True)
                         | Q(groups__name__in=[roles.AGENT, roles.SUPERVISEUR, roles.ADMIN]))
            .distinct().order_by("first_name", "last_name", "username"))
