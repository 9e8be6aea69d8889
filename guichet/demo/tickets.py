"""A believable year of requests: drawn in Python, loaded in bulk (COPY on PostgreSQL).

Each ticket gets what the funnel would have written: its inbound message (a call summary for
the phone), the agent's reply by email or SMS (a note when answered during the call), its
status history in the audit trail, and the usager's 360° timeline entries. Deadlines come
from the SLA policies in business time; about nine in ten are met. Up to RICH_UP_TO tickets,
histories are fuller (assignment by a supervisor, a question to the usager and their answer,
resolution then automatic closure); past it, each ticket keeps the essentials so that a
million load in minutes.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from hashlib import blake2b

from django.utils import timezone

import crm.demo as crm_demo
from crm.models import TimelineEntry
from maison.demo import Progress, Weighted, demo_year, random_for
from maison.demo.bulk import (
    CopySpool,
    CopyStream,
    TableLoader,
    is_postgres,
    reserve_ids,
    reset_sequences,
)
from maison.demo.schema import fast_load, keep_gin_of
from maison.models import Commune, Street, SubTheme

from ..models import Channel, Message, Nature, Status, Ticket, TicketEvent
from ..services import format_reference
from .clock import BusinessClock
from .clock import to_datetime as _dt
from .lifecycle import Lifecycle, LifecycleRules
from .texts import Writer
from .volume import (
    CHANNEL_MIX,
    NATURE_MIX,
    MomentSampler,
    SubthemePicker,
    category_mix,
    exact_counts,
    launch_date,
)

logger = logging.getLogger(__name__)
RICH_UP_TO = 200_000
FAST_LOAD_FROM = 50_000
BATCH = 2_000

TICKET_COLUMNS = [
    "id", "reference", "tracking_code", "channel", "nature", "theme_id", "subtheme_id",
    "commune_id", "street_id", "address", "usager_id", "usager_category", "subject", "status",
    "priority", "queue_id", "assignee_id", "created_at", "updated_at", "first_response_due_at",
    "due_at", "first_response_at", "resolved_at", "closed_at", "close_reason",
    "callback_requested", "version", "duplicate_of_id", "follows_id"]
MESSAGE_COLUMNS = [
    "id", "ticket_id", "direction", "channel", "author_user_id", "author_usager_id", "subject",
    "body", "public", "external_id", "message_id_header", "to_address", "delivery_status",
    "delivery_error", "provider_id", "send_attempts", "sent_at", "created_at"]
EVENT_COLUMNS = ["ticket_id", "kind", "actor_id", "field", "old_value", "new_value",
                 "created_at", "public"]
# What each channel needs to know of the usager.
CHANNEL_NEEDS = {Channel.EMAIL: "email", Channel.FORMULAIRE: "email", Channel.SMS: "mobile",
                 Channel.CHATBOT: "reachable", Channel.TELEPHONE: "phone",
                 Channel.ACCUEIL: "any"}


@dataclass
class Draft:
    """One ticket before it becomes rows."""

    id: int
    created: int
    channel: str
    nature: str


class UsagerPicker:
    """Usagers by category and by what the channel needs; a few write often."""

    def __init__(self, rng, pool: list):
        self.rng = rng
        self.pools: dict[tuple[str, str], list] = {}
        for usager in pool:
            needs = {"any"}
            if usager.email:
                needs.add("email")
            if usager.mobile:
                needs.add("mobile")
            if usager.email or usager.mobile:
                needs.add("reachable")
            if usager.mobile or usager.phone:
                needs.add("phone")
            for need in needs:
                self.pools.setdefault((usager.category, need), []).append(usager)
                self.pools.setdefault(("*", need), []).append(usager)
        self._months = {month: Weighted(category_mix(month), category_mix(month).values())
                        for month in range(1, 13)}

    def pick(self, month: int, channel: str):
        category = self._months[month].pick(self.rng)
        need = CHANNEL_NEEDS[channel]
        pool = self.pools.get((category, need)) or self.pools.get(("*", need)) \
            or self.pools.get(("*", "any"))
        if not pool:
            return None
        return pool[int(len(pool) * self.rng.random() ** 1.6)]


class TicketFactory:
    """Everything needed to draw tickets: the calendar, the pickers, the rules, the writer."""

    def __init__(self, count: int, *, agents, queues, sla, rich: bool | None):
        self.rng = rng = random_for("guichet.tickets")
        self.start, self.end = demo_year()
        self.clock = BusinessClock(self.start.date() - timedelta(days=2),
                                   self.end.date() + timedelta(days=120))
        self.launched_on = launch_date(timezone.localdate(self.end))
        subthemes = {(theme, code): (theme_id, sub_id) for sub_id, code, theme_id, theme in
                     SubTheme.objects.values_list("id", "code", "theme_id", "theme__code")}
        self.picker = SubthemePicker(rng, subthemes)
        self.codes = {sub_id: code for (_theme, code), (_t, sub_id) in subthemes.items()}
        self.usagers = UsagerPicker(rng, crm_demo.demo_usagers())
        self.rules = LifecycleRules(clock=self.clock, now=int(self.end.timestamp()), sla=sla,
                                    queues=queues, agents=agents,
                                    rich=count <= RICH_UP_TO if rich is None else rich)
        self.writer = Writer(rng, communes=dict(Commune.objects.values_list("id", "name")),
                             streets=dict(Street.objects.values_list("id", "name")))
        self.new_year = _new_year_boundaries(self.start, self.end)

    def drafts(self, count: int) -> list[tuple[int, str, str]]:
        return _drafts(self.rng, count, self.clock, self.start, self.end)

    def draw(self, draft: Draft):
        local = datetime.fromtimestamp(draft.created, self.clock.tz)
        theme_id, sub_id = self.picker.pick(draft.nature, local.month,
                                            local.date() >= self.launched_on)
        usager = self.usagers.pick(local.month, draft.channel)
        code = self.codes[sub_id]
        life = Lifecycle(self.rules, self.rng, draft, theme_id=theme_id, usager=usager,
                         subtheme_code=code)
        texts = self.writer.request(code, draft.nature, draft.channel, usager, local)
        reference = format_reference(_year(draft.created, self.new_year), draft.id)
        return life, texts, reference, sub_id


def load_tickets(count: int, progress: Progress, *, agents, queues, sla,
                 fast: bool | None = None, rich: bool | None = None) -> dict[str, int]:
    """Draw and load `count` tickets over the demo year; returns rows written per table."""
    factory = TicketFactory(count, agents=agents, queues=queues, sla=sla, rich=rich)
    drafts = factory.drafts(count)
    fast = count >= FAST_LOAD_FROM if fast is None else fast
    stream = fast and is_postgres()
    with fast_load(Ticket, Message, TicketEvent, *crm_demo.bulk_tables(), enabled=fast,
                   progress=progress, keep=keep_gin_of(Message) if stream else None):
        first_ticket = reserve_ids(Ticket, count)
        first_message = reserve_ids(Message, count * 4)
        # Messages stream while Python draws (the server maintains the full-text index in
        # parallel); the other tables wait in spools and follow in one COPY each.
        later = CopySpool if stream else TableLoader
        loaders = Loaders(messages=(CopyStream if stream else TableLoader)(Message,
                                                                            MESSAGE_COLUMNS),
                          tickets=later(Ticket, TICKET_COLUMNS),
                          events=later(TicketEvent, EVENT_COLUMNS),
                          timeline=crm_demo.timeline_loader(later))
        started = time.monotonic()
        try:
            spans = _write_all(factory, drafts, loaders, first_ticket, first_message, progress)
        except BaseException:
            loaders.abort()
            raise
        logger.info("tickets drawn: %.1f s", time.monotonic() - started)
        with progress(total=4, desc="Écriture", unit="table") as bar:
            for loader in loaders.all():
                started = time.monotonic()
                loader.close()
                logger.info("%s closed: %.1f s", loader.model.__name__, time.monotonic() - started)
                bar.update(1)
        reset_sequences(Ticket, Message)
        crm_demo.record_contact_span({
            usager_id: (_dt(first), _dt(last)) for usager_id, (first, last) in spans.items()})
    return {"demandes": loaders.tickets.written, "messages": loaders.messages.written,
            "historique": loaders.events.written, "contacts 360°": loaders.timeline.written}


@dataclass
class Loaders:
    messages: TableLoader
    tickets: TableLoader
    events: TableLoader
    timeline: TableLoader

    def all(self) -> tuple[TableLoader, ...]:
        return (self.messages, self.tickets, self.events, self.timeline)  # messages first

    def abort(self) -> None:
        for loader in self.all():
            loader.abort()


def _write_all(factory: TicketFactory, drafts, loaders: Loaders, first_ticket: int,
               next_message: int, progress) -> dict[int, list[int]]:
    """Draw every ticket and hand its rows to the loaders; returns each usager's first and
    last contact."""
    spans: dict[int, list[int]] = {}
    add_ticket = loaders.tickets.add
    with progress(total=len(drafts), desc="Demandes", unit="demande") as bar:
        for index, (created, channel, nature) in enumerate(drafts):
            life, texts, reference, sub_id = factory.draw(
                Draft(first_ticket + index, created, channel, nature))
            add_ticket(life.ticket_row(reference, sub_id, texts.subject, factory.rng))
            next_message = _emit(life, texts, reference, next_message, loaders,
                                 factory.writer)
            if life.usager is not None:
                span = spans.setdefault(life.usager.id, [created, created])
                span[1] = max(span[1], life.last_activity)
            if index % 1000 == 999:
                bar.update(1000)
        bar.update(len(drafts) % 1000)
    return spans


def _drafts(rng, count: int, clock: BusinessClock, start, end) -> list[tuple[int, str, str]]:
    """Creation moments per channel (exact channel mix), natures shuffled over them, sorted
    by time so that references grow with the date like the real ones."""
    sampler = MomentSampler(rng, clock, start, end)
    drafts = []
    for channel, channel_count in exact_counts(count, CHANNEL_MIX).items():
        drafts += [(moment, channel) for moment in sampler.moments(channel, channel_count)]
    natures = [nature for nature, n in exact_counts(count, NATURE_MIX).items()
               for _ in range(n)]
    rng.shuffle(natures)
    drafts.sort()
    return [(moment, channel, nature) for (moment, channel), nature in
            zip(drafts, natures, strict=True)]


def _new_year_boundaries(start, end) -> list[tuple[int, int]]:
    tz = timezone.get_current_timezone()
    return [(int(datetime(year, 1, 1, tzinfo=tz).timestamp()), year)
            for year in range(end.year, start.year - 1, -1)]


def _year(moment: int, boundaries: list[tuple[int, int]]) -> int:
    for boundary, year in boundaries:
        if moment >= boundary:
            return year
    return boundaries[-1][1] - 1


def _emit(life: Lifecycle, texts, reference: str, next_id: int, loaders: Loaders,
          writer) -> int:
    """The ticket's messages, audit events and 360° entries, in the order they happened."""
    ticket_id, usager = life.draft.id, life.usager
    messages, events, timeline = loaders.messages, loaders.events, loaders.timeline
    if usager is not None:
        timeline.add((usager.id, TimelineEntry.Kind.TICKET, _dt(life.draft.created),
                      life.draft.channel, f"{reference} — {texts.subject}"[:300],
                      "guichet.ticket", str(ticket_id), reference))
    for step in life.messages(texts, writer, reference):
        message_id = next_id
        next_id += 1
        external_id = _external_id(step.channel, message_id, usager) if step.inbound else ""
        header = f"<mds.{message_id}@coeurcotefleurie.example>" \
            if step.direction == Message.Direction.OUT and step.channel == Channel.EMAIL else ""
        messages.add((message_id, ticket_id, step.direction, step.channel, step.author_id,
                      usager.id if usager is not None and step.inbound else None,
                      step.subject[:250], step.body, step.direction != Message.Direction.NOTE,
                      external_id, header, step.to_address, step.delivery, step.error,
                      f"demo-{message_id}" if step.delivery else "",
                      1 if step.delivery else 0, _dt(step.sent_at), _dt(step.at)))
        if usager is not None and step.direction != Message.Direction.NOTE:
            kind = {Message.Direction.CALL: TimelineEntry.Kind.CALL,
                    Message.Direction.IN: TimelineEntry.Kind.MESSAGE_IN,
                    Message.Direction.OUT: TimelineEntry.Kind.MESSAGE_OUT}[step.direction]
            timeline.add((usager.id, kind, _dt(step.at), step.channel,
                          step.body.split("\n", 1)[0][:300], "guichet.message", str(message_id),
                          reference))
    for event in life.events():
        events.add((ticket_id, event.kind, event.actor_id, event.field, event.old[:250],
                    event.new[:250], _dt(event.at), event.public))
    return next_id


def _external_id(channel: str, message_id: int, usager) -> str:
    """Inbound ids as the providers give them: a Message-ID for email, a Twilio SID for SMS."""
    digest = blake2b(str(message_id).encode(), digest_size=16).hexdigest()
    if channel == Channel.EMAIL:
        domain = usager.email.split("@", 1)[1] if usager is not None and usager.email \
            else "mail.example"
        return f"<{digest[:20]}@{domain}>"
    if channel == Channel.SMS:
        return f"SM{digest}"
    return ""


__all__ = ["FAST_LOAD_FROM", "RICH_UP_TO", "Nature", "Status", "load_tickets"]
