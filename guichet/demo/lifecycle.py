"""What happened to one demo ticket: who took it, when it was answered, resolved, closed.

Agents work in opening hours, so every agent action lands in business time (BusinessClock);
residents answer at any hour. About 94 % of first responses and 90 % of resolutions meet the
SLA; a few old tickets stay stuck open, overdue, as in any real service.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from maison.demo import Weighted

from ..models import Channel, CloseReason, Message, Nature, Priority, Status, TicketEvent
from .clock import BusinessClock
from .clock import to_datetime as _dt

HOUR = 3600
DAY = 86_400
AUTO_CLOSE_AFTER = 7 * DAY  # a resolved ticket nobody reopens is closed a week later
OFFICE = (Channel.TELEPHONE, Channel.ACCUEIL)
# Requests settled during the call or at the counter.
LIVE_SHARE = {Nature.INFORMATION: 0.75, Nature.RENDEZ_VOUS: 0.5, Nature.TRANSACTION: 0.3}
# Requests left open past their deadline (waiting on a contractor, a usager who never
# answered…); older ones were eventually closed, so only the last months keep some.
STUCK_SHARE = {Nature.RECLAMATION: 0.012, Nature.TRANSACTION: 0.01, Nature.SIGNALEMENT: 0.006,
               Nature.RENDEZ_VOUS: 0.005, Nature.INFORMATION: 0.001}
STUCK_AGE = (10 * 86_400, 120 * 86_400)
URGENT_SUBTHEMES = {"fuite", "debouchage", "coupure"}


@dataclass(frozen=True)
class Agent:
    id: int
    label: str


class Roster:
    """Agents per queue; the demo `agent` account takes a bigger share, so 'my queue' is full."""

    def __init__(self, members: dict[int, list[Agent]], weights: dict[int, float],
                 supervisor: Agent | None):
        self.supervisor = supervisor
        self._tables = {queue_id: Weighted(agents, [weights.get(a.id, 1.0) for a in agents])
                        for queue_id, agents in members.items() if agents}
        everyone = {a.id: a for agents in members.values() for a in agents}
        self._anyone = Weighted(everyone.values(), [weights.get(i, 1.0) for i in everyone])

    def pick(self, rng, queue_id: int | None) -> Agent | None:
        table = self._tables.get(queue_id) or self._anyone
        return table.pick(rng) if table else None


@dataclass
class LifecycleRules:
    clock: BusinessClock
    now: int
    sla: dict  # (nature, theme_id or None) -> (first_response_hours, resolution_days)
    queues: dict  # theme_id or None (default) -> queue_id
    agents: Roster
    rich: bool
    channel_labels: dict | None = None

    def __post_init__(self):
        # Translated once: gettext per ticket costs more than all the rest of an event.
        self.channel_labels = {channel.value: str(channel.label) for channel in Channel}


@dataclass
class Step:
    """A message of the ticket."""

    direction: str
    channel: str
    at: int
    body: str
    author_id: int | None = None
    subject: str = ""
    to_address: str = ""
    delivery: str = ""
    error: str = ""
    sent_at: int | None = None

    @property
    def inbound(self) -> bool:
        return self.direction in (Message.Direction.IN, Message.Direction.CALL)


@dataclass
class Event:
    kind: str
    at: int
    actor_id: int | None = None
    field: str = ""
    old: str = ""
    new: str = ""
    public: bool = False


@dataclass
class Lifecycle:
    rules: LifecycleRules
    rng: object
    draft: object
    theme_id: int | None
    usager: object
    subtheme_code: str

    def __post_init__(self):
        rules, rng, draft = self.rules, self.rng, self.draft
        clock, created, nature = rules.clock, draft.created, draft.nature
        self.queue_id = rules.queues.get(self.theme_id) or rules.queues.get(None)
        hours, days = rules.sla.get((nature, self.theme_id)) or rules.sla.get((nature, None)) \
            or (8, 5)
        self.first_due = clock.add_business_hours(created, hours)
        self.due = clock.add_working_days(created, days)
        self.assignee = rules.agents.pick(rng, self.queue_id)
        self.live = draft.channel in OFFICE and rng.random() < LIVE_SHARE.get(nature, 0)
        self.priority = Priority.HAUTE if nature == Nature.RECLAMATION else Priority.NORMALE
        self.urgent = (nature == Nature.SIGNALEMENT and self.subtheme_code in URGENT_SUBTHEMES
                       and rng.random() < 0.6)
        self.waiting = self.stuck = False
        self.answer_at = None
        self._events: list[Event] | None = None
        self.spam = (draft.channel in (Channel.FORMULAIRE, Channel.CHATBOT, Channel.EMAIL)
                     and rng.random() < 0.004)
        self._plan(clock, created, hours)
        self._settle(rules.now)

    def _plan(self, clock: BusinessClock, created: int, hours: int) -> None:
        rng, nature = self.rng, self.draft.nature
        if self.live:
            self.first = self.resolved = created + rng.randint(120, 900)
            return
        start = clock.business_seconds(created)
        window = hours * HOUR
        share = rng.uniform(1.05, 2.5) if rng.random() < 0.07 else 0.03 + 0.9 * rng.random() ** 2
        self.first = clock.at(start + max(60, int(window * share)))
        age = self.rules.now - created
        self.stuck = (STUCK_AGE[0] < age < STUCK_AGE[1]
                      and rng.random() < STUCK_SHARE.get(nature, 0))
        if self.stuck:
            self.resolved = None
            self.waiting = rng.random() < 0.35  # asked the usager, never heard back
            return
        if nature == Nature.INFORMATION and rng.random() < 0.85:
            self.resolved = self.first
            return
        first_b, due_b = clock.business_seconds(self.first), clock.business_seconds(self.due)
        if rng.random() < 0.16 or due_b <= first_b:
            self.resolved = clock.at(max(first_b, due_b) + int(rng.uniform(0.1, 3.0) * 8 * HOUR))
        else:
            self.resolved = clock.at(first_b + int((due_b - first_b) * rng.uniform(0.05, 0.97)))
        if self.rules.rich and nature != Nature.INFORMATION and rng.random() < 0.15:
            self.waiting = True  # a question to the usager first, their answer, then the rest
            self.answer_at = self.first + int(rng.uniform(1, 48) * HOUR)
            if self.resolved <= self.answer_at:
                self.resolved = clock.at(clock.business_seconds(self.answer_at)
                                         + int(rng.uniform(0.5, 6) * HOUR))

    def _settle(self, now: int) -> None:
        """Where the ticket stands today."""
        rng = self.rng
        self.closed = None
        self.close_reason = ""
        if self.first > now:
            self.first = self.resolved = None
            self.waiting, self.answer_at = False, None
            self.status = Status.NOUVEAU
            return
        if self.answer_at is not None and self.answer_at > now:
            self.answer_at = None
            self.resolved = None
        if self.resolved is None or self.resolved > now:
            self.resolved = None
            self.status = Status.EN_ATTENTE if self.waiting and self.answer_at is None \
                else Status.EN_COURS
            return
        direct = self.live or not self.rules.rich or rng.random() < 0.55
        closed = self.resolved if direct else self.resolved + AUTO_CLOSE_AFTER
        if closed > now:
            self.status = Status.RESOLU
            return
        self.status, self.closed = Status.CLOS, closed
        self.close_reason = self._close_reason()

    def _close_reason(self) -> str:
        if self.spam:
            return CloseReason.SPAM
        if self.subtheme_code == "hors-competence":
            return CloseReason.HORS_COMPETENCE
        draw = self.rng.random()
        if draw < 0.015:
            return CloseReason.DOUBLON
        if draw < 0.04:
            return CloseReason.SANS_SUITE
        return CloseReason.TRAITE

    # --- messages -------------------------------------------------------------------------

    def messages(self, texts, writer, reference: str) -> list[Step]:
        draft, agent = self.draft, self.assignee
        office_agent = agent.id if agent and draft.channel in OFFICE else None
        inbound = Step(Message.Direction.CALL if draft.channel == Channel.TELEPHONE
                       else Message.Direction.IN, draft.channel, draft.created, texts.inbound,
                       author_id=office_agent,
                       subject=texts.subject if draft.channel in (Channel.EMAIL,
                                                                  Channel.FORMULAIRE) else "")
        steps = [inbound]
        if self.first is None or self.spam or agent is None:
            return steps
        if self.live:
            steps.append(Step(Message.Direction.NOTE, draft.channel, self.first,
                              writer.note(texts, draft.channel), author_id=agent.id))
            return steps
        channel, to_address = self._reply_route()
        subject = f"[{reference}] {texts.subject}"
        if channel is None:
            steps.append(Step(Message.Direction.NOTE, draft.channel, self.first,
                              writer.callback_note(texts), author_id=agent.id))
            return steps
        if self.waiting:
            steps.append(self._out(channel, to_address, subject, self.first,
                                   writer.ask(texts, draft.nature, agent.label)
                                   if channel == Channel.EMAIL else
                                   writer.sms_ask(draft.nature, reference)))
            if self.answer_at is None:
                return steps
            steps.append(Step(Message.Direction.IN, channel, self.answer_at,
                              writer.usager_answer(texts), subject=f"Re: {subject}"))
            if self.resolved is not None:
                steps.append(self._out(channel, to_address, subject, self.resolved,
                                       self._answer(channel, texts, writer, reference)))
            return steps
        steps.append(self._out(channel, to_address, subject, self.first,
                               self._answer(channel, texts, writer, reference)))
        if (self.rules.rich and self.resolved is not None and self.resolved != self.first
                and channel == Channel.EMAIL):
            steps.append(self._out(channel, to_address, subject, self.resolved,
                                   writer.done(texts, reference, agent.label)))
        return steps

    def _answer(self, channel, texts, writer, reference) -> str:
        if channel == Channel.SMS:
            return writer.sms_reply(texts, reference)
        if not self.rules.rich:  # at a million, shorter mails: less text to index
            return writer.brief_email(texts, self.assignee.label)
        return writer.email_reply(texts, self.assignee.label)

    def _reply_route(self) -> tuple[str | None, str]:
        usager, channel = self.usager, self.draft.channel
        if usager is None:
            return None, ""
        prefer_sms = channel == Channel.SMS or (channel in OFFICE and self.rng.random() < 0.5)
        if prefer_sms and usager.mobile:
            return Channel.SMS, usager.mobile
        if usager.email:
            return Channel.EMAIL, usager.email
        if usager.mobile:
            return Channel.SMS, usager.mobile
        return None, ""

    def _out(self, channel, to_address, subject, at, body) -> Step:
        bounced = channel == Channel.EMAIL and self.rng.random() < 0.008
        return Step(Message.Direction.OUT, channel, at, body, author_id=self.assignee.id,
                    subject=subject if channel == Channel.EMAIL else "", to_address=to_address,
                    delivery=Message.Delivery.BOUNCED if bounced else Message.Delivery.DELIVERED,
                    error="550 5.1.1 Adresse inconnue du serveur destinataire" if bounced else "",
                    sent_at=at + self.rng.randint(2, 40))

    # --- audit trail ----------------------------------------------------------------------

    def events(self) -> list[Event]:
        if self._events is None:
            self._events = self._draw_events()
        return self._events

    def _draw_events(self) -> list[Event]:
        draft, agent = self.draft, self.assignee
        agent_id = agent.id if agent else None
        events = [Event(TicketEvent.Kind.CREATED, draft.created,
                        agent_id if draft.channel in OFFICE else None,
                        new=self.rules.channel_labels[draft.channel], public=True)]
        if self.first is None:
            return events
        if self.rules.rich and not self.live and agent is not None:
            at = max(draft.created, self.first - self.rng.randint(5, 90) * 60)
            supervisor = self.rules.agents.supervisor
            actor = supervisor.id if supervisor and self.rng.random() < 0.5 else agent_id
            events.append(Event(TicketEvent.Kind.ASSIGNED, at, actor, "assignee", "",
                                agent.label))
        if self.urgent and self.rules.rich:
            events.append(Event(TicketEvent.Kind.FIELD, self.first, agent_id, "priority",
                                str(Priority.NORMALE.value), str(Priority.URGENTE.value)))
        events += self._status_events(agent_id)
        return events

    def _status_events(self, agent_id) -> list[Event]:
        def move(at, old, new, actor=agent_id, kind=TicketEvent.Kind.STATUS):
            return Event(kind, at, actor, "status", old, new, public=True)

        done = Status.CLOS if self.closed == self.resolved and self.closed else Status.RESOLU
        if self.resolved is not None and self.resolved == self.first:
            moves = [move(self.first, Status.NOUVEAU, done)]
        elif self.waiting:
            moves = [move(self.first, Status.NOUVEAU, Status.EN_ATTENTE)]
            if self.answer_at is not None:
                moves.append(move(self.answer_at, Status.EN_ATTENTE, Status.EN_COURS, None))
                if self.resolved is not None:
                    moves.append(move(self.resolved, Status.EN_COURS, done))
        else:
            moves = [move(self.first, Status.NOUVEAU, Status.EN_COURS)]
            if self.resolved is not None:
                moves.append(move(self.resolved, Status.EN_COURS, done))
        if self.closed is not None and self.closed != self.resolved:
            moves.append(move(self.closed, Status.RESOLU, Status.CLOS, None))
        return moves

    # --- the ticket row -------------------------------------------------------------------

    @property
    def last_activity(self) -> int:
        moments = [self.draft.created, self.first, self.resolved, self.closed, self.answer_at]
        return max(m for m in moments if m is not None)

    def ticket_row(self, reference: str, subtheme_id: int, subject: str, rng) -> tuple:
        draft, usager = self.draft, self.usager
        return (
            draft.id, reference, secrets.token_urlsafe(9), draft.channel, draft.nature,
            self.theme_id, subtheme_id, usager.commune_id if usager else None,
            usager.street_id if usager else None, (usager.address if usager else "")[:250],
            usager.id if usager else None, usager.category if usager else "inconnue",
            subject[:200], self.status,
            Priority.URGENTE if self.urgent else self.priority, self.queue_id,
            self.assignee.id if self.assignee and self.first is not None else None,
            _dt(draft.created), _dt(self.last_activity), _dt(self.first_due), _dt(self.due),
            _dt(self.first), _dt(self.resolved), _dt(self.closed), self.close_reason,
            draft.channel == Channel.TELEPHONE and not self.live and rng.random() < 0.3,
            len(self.events()), None, None)
