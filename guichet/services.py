"""The single funnel: every channel calls `receive`, every answer leaves through `reply`.

Channel adapters (email, Twilio, the web form, Sophie, the counter) only translate their input
into one call here; every business rule about tickets lives in this module.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from crm import services as crm_services
from crm.models import Category, TimelineEntry, Usager
from maison import calendar, events
from maison.memo import ttl_cached
from maison.models import Commune

from .models import (
    DONE_STATUSES,
    OPEN_STATUSES,
    Channel,
    CloseReason,
    Message,
    Nature,
    Queue,
    RawInbound,
    SlaPolicy,
    Status,
    Ticket,
    TicketEvent,
)

logger = logging.getLogger(__name__)

REFERENCE_RE = re.compile(r"\bMDS[\s\-_]*(\d{4})[\s\-_]*0*(\d{1,9})\b", re.IGNORECASE)
# Conversational channels thread onto the usager's open ticket of the last days.
CONVERSATIONAL_THREAD_HOURS = {Channel.SMS: 72, Channel.TELEPHONE: 24}

ALLOWED_TRANSITIONS = {
    Status.NOUVEAU: {Status.EN_COURS, Status.EN_ATTENTE, Status.RESOLU, Status.CLOS},
    Status.EN_COURS: {Status.EN_ATTENTE, Status.RESOLU, Status.CLOS},
    Status.EN_ATTENTE: {Status.EN_COURS, Status.RESOLU, Status.CLOS},
    Status.RESOLU: {Status.EN_COURS, Status.CLOS},
    Status.CLOS: {Status.EN_COURS},
}


class ConcurrentUpdate(Exception):
    """Someone else changed the ticket since it was displayed: reload before saving."""

    message = _("Cette demande a été modifiée par quelqu’un d’autre entre-temps. "
                "Rechargez la page pour voir ses changements avant d’enregistrer les vôtres.")


def format_reference(year: int, number: int) -> str:
    return f"{settings.MDS_REFERENCE_PREFIX}-{year}-{number:06d}"


def parse_reference(text: str) -> str | None:
    """Find a ticket reference in free text, however loosely typed ("mds 2026 123")."""
    match = REFERENCE_RE.search(text or "")
    if not match:
        return None
    return format_reference(int(match.group(1)), int(match.group(2)))


# --- Deadlines and routing --------------------------------------------------------------------

@dataclass(frozen=True)
class Deadlines:
    first_response_due_at: datetime
    due_at: datetime


@ttl_cached()
def sla_policy_for(*, nature: str, theme_id: int | None) -> SlaPolicy | None:
    """The theme's own policy for this nature, else the nature's default (one query a minute)."""
    scope = Q(theme__isnull=True) | Q(theme_id=theme_id) if theme_id else Q(theme__isnull=True)
    return (SlaPolicy.objects.filter(scope, nature=nature)
            .order_by(F("theme_id").asc(nulls_last=True)).first())


def compute_deadlines(*, nature: str, theme_id: int | None, received_at: datetime) -> Deadlines:
    """The committed deadlines, counted in business time from the moment of receipt."""
    policy = sla_policy_for(nature=nature, theme_id=theme_id)
    first_hours = policy.first_response_hours if policy else 8
    resolution_days = policy.resolution_days if policy else 5
    return Deadlines(
        first_response_due_at=calendar.add_business_hours(received_at, first_hours),
        due_at=calendar.add_working_days(received_at, resolution_days),
    )


@ttl_cached()
def _commune(commune_id: int) -> Commune:
    """A commune of the territory (reference data: read once a minute, not per ticket)."""
    return Commune.objects.get(pk=commune_id)


@ttl_cached()
def route_to_queue(theme_id: int | None) -> Queue | None:
    if theme_id:
        queue = Queue.objects.filter(themes__id=theme_id).order_by("id").first()
        if queue:
            return queue
    return Queue.objects.filter(is_default=True).first()


# --- Opening tickets --------------------------------------------------------------------------

def open_ticket(
    *,
    channel: str,
    subject: str,
    usager: Usager | None = None,
    nature: str = Nature.INFORMATION,
    theme=None,
    subtheme=None,
    commune=None,
    street=None,
    address: str = "",
    priority: int | None = None,
    actor=None,
    received_at: datetime | None = None,
    callback_requested: bool = False,
    follows: Ticket | None = None,
) -> Ticket:
    """Create a ticket with its reference, deadlines, queue, audit entry, live event and the
    usager's timeline entry."""
    ticket = _create_ticket(
        channel=channel, subject=subject, usager=usager, nature=nature, theme=theme,
        subtheme=subtheme, commune=commune, street=street, address=address, priority=priority,
        actor=actor, received_at=received_at, callback_requested=callback_requested,
        follows=follows)
    if usager:
        crm_services.record_new_contacts([_ticket_contact(ticket)])
    return ticket


def _create_ticket(
    *,
    channel: str,
    subject: str,
    usager: Usager | None,
    nature: str,
    theme,
    subtheme,
    commune,
    street,
    address: str,
    actor,
    received_at: datetime | None,
    callback_requested: bool,
    follows: Ticket | None,
    priority: int | None = None,
    guess=None,
) -> Ticket:
    """The ticket row with its reference, its audit entries (creation, and the triage's guess
    when there is one) and the live event; the caller records the timeline entry."""
    if channel not in Channel.values:
        raise ValidationError(_("Canal inconnu."), code="invalid_channel")
    if nature not in Nature.values:
        raise ValidationError(_("Nature de demande inconnue."), code="invalid_nature")
    if subtheme is not None and theme is not None and subtheme.theme_id != theme.pk:
        raise ValidationError(_("Le sous-thème ne correspond pas au thème choisi."),
                              code="subtheme_mismatch")
    if subtheme is not None and theme is None:
        theme = subtheme.theme
    received_at = received_at or timezone.now()
    deadlines = compute_deadlines(nature=nature, theme_id=theme.pk if theme else None,
                                  received_at=received_at)
    number = _next_ticket_id()
    year = timezone.localtime(received_at).year
    ticket = Ticket.objects.create(
        id=number, reference=format_reference(year, number) if number else None,
        channel=channel, nature=nature, theme=theme, subtheme=subtheme,
        commune=commune or (_commune(usager.commune_id) if usager and usager.commune_id
                            else None),
        street=street, address=address[:250], usager=usager,
        usager_category=usager.category if usager else Category.INCONNUE,
        subject=(subject or _("Demande sans objet")).strip()[:200],
        priority=priority or (3 if nature == Nature.RECLAMATION else 2),
        queue=route_to_queue(theme.pk if theme else None),
        created_at=received_at, callback_requested=callback_requested, follows=follows,
        first_response_due_at=deadlines.first_response_due_at, due_at=deadlines.due_at,
    )
    if number is None:  # the database numbered the row: its reference follows
        ticket.reference = format_reference(year, ticket.pk)
        Ticket.objects.filter(pk=ticket.pk).update(reference=ticket.reference)
    audit = [_event(ticket, TicketEvent.Kind.CREATED, actor=actor,
                    new_value=ticket.get_channel_display(), at=received_at, public=True)]
    if guess:
        audit.append(_event(
            ticket, TicketEvent.Kind.FIELD, field_name="theme", at=received_at,
            new_value=_("%(label)s (suggestion automatique : %(words)s)")
            % {"label": guess.label, "words": ", ".join(guess.matched)}))
    TicketEvent.objects.bulk_create(audit)
    events.publish("ticket.created", live_payload(ticket))
    return ticket


def _next_ticket_id() -> int | None:
    """On PostgreSQL, the new ticket's id drawn from its sequence before the insert, so that
    the reference (which carries the id) is written with the row, not by a second statement
    (an UPDATE of a freshly indexed row). None elsewhere: the insert numbers the row."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))",
                       [Ticket._meta.db_table])
        return cursor.fetchone()[0]


def _ticket_contact(ticket: Ticket) -> crm_services.Contact:
    """The usager's timeline entry for a new ticket."""
    return crm_services.Contact(
        usager=ticket.usager, kind=TimelineEntry.Kind.TICKET, occurred_at=ticket.created_at,
        channel=ticket.channel, source_type="guichet.ticket", source_id=ticket.pk,
        ticket_reference=ticket.reference, summary=f"{ticket.reference} — {ticket.subject}")


def live_payload(ticket: Ticket) -> dict:
    """What the cockpit feed may know of a ticket: labels and codes, never personal data."""
    return {
        "reference": ticket.reference,
        "channel": ticket.channel,
        "nature": ticket.nature,
        "status": ticket.status,
        "theme": ticket.theme.label if ticket.theme_id else None,
        "commune": ticket.commune.name if ticket.commune_id else None,
        "created_at": ticket.created_at.isoformat(),
    }


# --- The funnel -------------------------------------------------------------------------------

@dataclass
class IncomingFile:
    filename: str
    content_type: str
    content: bytes


@dataclass
class Reception:
    """What `receive` did. `ticket` and `message` are None only when `ignored` is true."""

    ticket: Ticket | None
    message: Message | None
    usager: Usager | None
    created_ticket: bool
    duplicate: bool = False
    reopened: bool = False
    ignored: bool = False
    acknowledgement: Message | None = None
    notes: list[str] = field(default_factory=list)


def receive(**kwargs) -> Reception:
    """Receive one message from a resident, whatever the channel (see `_receive`)."""
    try:
        return _receive(**kwargs)
    except IntegrityError:
        # Another delivery of the same message is stored (or was, while ours waited on its
        # insert): ours failed on the unique (channel, external_id). Everything we wrote was
        # rolled back with the atomic block; the stored message is the one to return.
        external_id = kwargs.get("external_id", "")
        existing = _already_received(kwargs["channel"], external_id) if external_id else None
        if existing is None:
            raise
        return existing


@transaction.atomic
def _receive(
    *,
    channel: str,
    body: str,
    subject: str = "",
    email: str | None = None,
    phone: str | None = None,
    first_name: str = "",
    last_name: str = "",
    category: str = "",
    usager: Usager | None = None,
    commune=None,
    street=None,
    address: str = "",
    nature: str = Nature.INFORMATION,
    theme=None,
    subtheme=None,
    external_id: str = "",
    in_reply_to: Iterable[str] = (),
    body_html: str = "",
    attachments: Iterable[IncomingFile] = (),
    received_at: datetime | None = None,
    actor=None,
    callback_requested: bool = False,
    force_new_ticket: bool = False,
    raw: RawInbound | None = None,
    metadata: dict | None = None,
    thread_on: Ticket | None = None,
    automated: bool = False,
    acknowledge: bool | None = None,
) -> Reception:
    """Receive one message from a resident, whatever the channel.

    Identifies the usager by contact point, threads onto their ticket (reference in the
    subject or text, a reply to one of our messages, or an open conversation on SMS or phone)
    or opens a new one. Idempotent on (channel, external_id): a retried delivery returns the
    stored message. The message's unique index decides, so nothing is looked up beforehand:
    a copy arriving once the first is stored (the channel adapters already drop most of them
    at the door) or while it is being stored fails on that index, its work is rolled back
    and the stored message returned. A reference only threads when the sender is that
    ticket's usager: a stranger quoting someone else's reference opens a ticket of their own.

    `thread_on` is a ticket the caller has proven the sender may write to (the public
    follow-up page, which checks the secret tracking code). `automated` marks an auto-reply,
    out-of-office or bounce: it is kept on the ticket it answers (or ignored when it answers
    nothing), never reopens a ticket and is never acknowledged — no mail loops. A new ticket
    gets an automatic acknowledgement (reference, committed deadline, follow-up link) on the
    channels where the resident expects one; `acknowledge` forces it on or off.
    """
    received_at = received_at or timezone.now()
    attachments = list(attachments)
    from . import attachments as attachment_rules

    for incoming in attachments:  # refuse a bad file before anything is written
        attachment_rules.check(filename=incoming.filename, content_type=incoming.content_type,
                               size=len(incoming.content))
    # NUL characters never come from a person and PostgreSQL refuses them in text.
    body = (body or "").replace("\x00", "").strip()
    subject, body_html = (subject or "").replace("\x00", ""), (body_html or "").replace("\x00", "")
    if not body and not attachments:
        raise ValidationError(_("Le message est vide."), code="empty_message")
    if len(body) > settings.MDS_MAX_MESSAGE_CHARS:
        raise ValidationError(
            _("Le message est trop long (%(max)s caractères au plus)."),
            code="message_too_long", params={"max": settings.MDS_MAX_MESSAGE_CHARS})

    if usager is None and thread_on is not None:
        usager = thread_on.usager
    identification = None
    if usager is None:
        # An automatic message never creates a usager (mailer-daemon is nobody's account).
        identification = crm_services.identify_usager(
            email=email, phone=phone, first_name=first_name, last_name=last_name,
            category=category, commune=commune, address=address, street=street,
            create=not automated, now=received_at)
        usager = identification.usager
    # A usager created by this very message has no ticket to thread onto.
    new_usager = identification is not None and identification.created

    ticket, reopened = (None, False)
    if thread_on is not None:
        ticket = thread_on
    elif not force_new_ticket and not new_usager:
        ticket = _find_thread(channel=channel, usager=usager, subject=subject, body=body,
                              in_reply_to=in_reply_to, received_at=received_at)
    if automated:
        return _receive_automated(
            ticket=ticket, channel=channel, usager=usager, subject=subject, body=body,
            body_html=body_html, external_id=external_id, received_at=received_at,
            metadata=metadata, raw=raw, attachments=attachments)
    follows = None
    if ticket is not None and ticket.status == Status.CLOS:
        follows, ticket = ticket, None
    created = ticket is None
    if created:
        guess = None
        if theme is None and subtheme is None:
            from . import triage

            guess = triage.guess(f"{subject}\n{body}")
            if guess:
                theme, subtheme = guess.theme, guess.subtheme
        ticket = _create_ticket(
            channel=channel, subject=subject or _first_line(body), usager=usager, nature=nature,
            theme=theme, subtheme=subtheme, commune=commune, street=street, address=address,
            actor=actor, received_at=received_at, callback_requested=callback_requested,
            follows=follows, guess=guess)
    else:
        if ticket.status == Status.RESOLU or ticket.status == Status.EN_ATTENTE:
            reopened = ticket.status == Status.RESOLU
            _set_status(ticket, Status.EN_COURS, actor=None, at=received_at,
                        kind=TicketEvent.Kind.REOPENED if reopened else TicketEvent.Kind.STATUS)
        if callback_requested and not ticket.callback_requested:
            request_callback(ticket=ticket, at=received_at)

    message = _store_incoming(ticket=ticket, channel=channel, usager=usager, subject=subject,
                              body=body, body_html=body_html, external_id=external_id,
                              received_at=received_at, actor=actor, metadata=metadata)
    if usager:  # the 360° timeline: the new ticket and its first message in one statement
        crm_services.record_new_contacts(
            ([_ticket_contact(ticket)] if created else []) + [_message_contact(message)])
    _store_attachments(message, attachments)
    if raw is not None:
        RawInbound.objects.filter(pk=raw.pk).update(state=RawInbound.State.PROCESSED,
                                                    ticket=ticket, error="")
    acknowledgement = None
    if created:
        from .channels import acknowledgement as acks

        acknowledgement = acks.acknowledge(
            ticket=ticket, usager=usager, channel=channel, callback_requested=callback_requested,
            requested=acknowledge, at=received_at,
            new_usager_points=identification.contact_points if new_usager else None)
    else:
        Ticket.objects.filter(pk=ticket.pk).update(updated_at=received_at)
        events.publish("ticket.message", live_payload(ticket))
    return Reception(ticket=ticket, message=message, usager=usager, created_ticket=created,
                     reopened=reopened, acknowledgement=acknowledgement)


receive.__wrapped__ = _receive  # inspect.signature(receive) shows the real parameters


def _receive_automated(*, ticket, channel, usager, subject, body, body_html, external_id,
                       received_at, metadata, raw, attachments) -> Reception:
    """Keep an auto-reply on the ticket it answers; ignore it when it answers nothing."""
    if ticket is None:
        if raw is not None:
            RawInbound.objects.filter(pk=raw.pk).update(
                state=RawInbound.State.IGNORED,
                error=_("Réponse automatique sans demande correspondante."))
        return Reception(ticket=None, message=None, usager=usager, created_ticket=False,
                         ignored=True)
    message = _store_incoming(ticket=ticket, channel=channel, usager=usager, subject=subject,
                              body=body, body_html=body_html, external_id=external_id,
                              received_at=received_at, actor=None,
                              metadata={**(metadata or {}), "automated": True})
    if usager:
        crm_services.record_new_contacts([_message_contact(message)])
    _store_attachments(message, attachments)
    if raw is not None:
        RawInbound.objects.filter(pk=raw.pk).update(state=RawInbound.State.PROCESSED,
                                                    ticket=ticket, error="")
    return Reception(ticket=ticket, message=message, usager=usager, created_ticket=False)


def request_callback(*, ticket: Ticket, at: datetime | None = None, actor=None) -> None:
    """The resident wants to be called back (voicemail, missed call): flag it for agents."""
    if ticket.callback_requested:
        return
    at = at or timezone.now()
    Ticket.objects.filter(pk=ticket.pk).update(callback_requested=True, updated_at=at)
    ticket.callback_requested = True
    _audit(ticket, TicketEvent.Kind.FIELD, actor=actor, field_name="callback_requested",
           old_value="", new_value=_("Rappel demandé"), at=at)


@transaction.atomic
def add_call_details(*, channel: str, external_id: str, details: dict,
                     body_addition: str = "") -> Message | None:
    """Complete a stored call or voicemail (duration, status, transcription) — idempotent."""
    message = (Message.objects.select_for_update().select_related("ticket")
               .filter(channel=channel, external_id=external_id).first())
    if message is None:
        return None
    metadata = {**message.metadata, **details}
    fields = ["metadata"]
    message.metadata = metadata
    if body_addition and body_addition not in message.body:
        message.body = f"{message.body}\n\n{body_addition}"[: settings.MDS_MAX_MESSAGE_CHARS]
        fields.append("body")
    message.save(update_fields=fields)
    return message


def _already_received(channel: str, external_id: str) -> Reception | None:
    message = (Message.objects.select_related("ticket", "author_usager")
               .filter(channel=channel, external_id=external_id).first())
    if message is None:
        return None
    return Reception(ticket=message.ticket, message=message, usager=message.author_usager,
                     created_ticket=False, duplicate=True)


def _first_line(body: str) -> str:
    line = next((line.strip() for line in body.splitlines() if line.strip()), "")
    return line[:120] or _("Demande sans objet")


def _find_thread(*, channel, usager, subject, body, in_reply_to, received_at) -> Ticket | None:
    if usager is None:
        return None
    reference = parse_reference(subject) or parse_reference(body)
    if reference:
        ticket = Ticket.objects.filter(reference=reference).first()
        if ticket and ticket.usager_id == usager.pk:
            return ticket
    headers = [value.strip() for value in in_reply_to if value and value.strip()]
    if headers:
        ticket = (Ticket.objects.filter(messages__message_id_header__in=headers,
                                        usager=usager).order_by("-created_at").first())
        if ticket:
            return ticket
    hours = CONVERSATIONAL_THREAD_HOURS.get(channel)
    if hours:
        since = received_at - timezone.timedelta(hours=hours)
        return (Ticket.objects.filter(usager=usager, channel=channel, status__in=OPEN_STATUSES,
                                      updated_at__gte=since)
                .order_by("-updated_at").first())
    return None


def _store_incoming(*, ticket, channel, usager, subject, body, body_html, external_id,
                    received_at, actor, metadata) -> Message:
    """The resident's message on its ticket. A concurrent delivery of the same message
    (channel, external_id) makes this insert fail: `receive` rolls back and returns theirs."""
    direction = Message.Direction.CALL if channel == Channel.TELEPHONE else Message.Direction.IN
    return Message.objects.create(
        ticket=ticket, direction=direction, channel=channel, author_usager=usager,
        author_user=actor, subject=subject[:250], body=body, body_html=body_html,
        external_id=external_id, created_at=received_at, metadata=metadata or {})


def _message_contact(message: Message) -> crm_services.Contact:
    """The usager's timeline entry for a message they sent (or a call)."""
    kind = TimelineEntry.Kind.CALL if message.direction == Message.Direction.CALL \
        else TimelineEntry.Kind.MESSAGE_IN
    return crm_services.Contact(
        usager=message.author_usager, kind=kind, occurred_at=message.created_at,
        channel=message.channel, source_type="guichet.message", source_id=message.pk,
        ticket_reference=message.ticket.reference, summary=_first_line(message.body)[:300])


def _store_attachments(message: Message, attachments: Iterable[IncomingFile]) -> None:
    from . import attachments as attachment_rules

    for incoming in attachments:
        attachment_rules.store(message=message, incoming=incoming)


# --- Working on a ticket ----------------------------------------------------------------------

def _audit(ticket, kind, *, actor=None, field_name="", old_value="", new_value="", at=None,
           public=False) -> TicketEvent:
    event = _event(ticket, kind, actor=actor, field_name=field_name, old_value=old_value,
                   new_value=new_value, at=at, public=public)
    event.save(force_insert=True)
    return event


def _event(ticket, kind, *, actor=None, field_name="", old_value="", new_value="", at=None,
           public=False) -> TicketEvent:
    """An audit entry, not saved yet."""
    return TicketEvent(
        ticket=ticket, kind=kind, actor=actor, field=field_name, old_value=str(old_value)[:250],
        new_value=str(new_value)[:250], created_at=at or timezone.now(), public=public)


def _bump(ticket: Ticket, expected_version: int | None, **changes) -> None:
    """Write changes only if nobody else saved the ticket since `expected_version`."""
    query = Ticket.objects.filter(pk=ticket.pk)
    if expected_version is not None:
        query = query.filter(version=expected_version)
    updated = query.update(version=F("version") + 1, updated_at=timezone.now(), **changes)
    if not updated:
        raise ConcurrentUpdate()
    for name, value in changes.items():
        setattr(ticket, name, value)
    ticket.version = (expected_version or ticket.version) + 1


def _set_status(ticket, new_status, *, actor, at, kind=TicketEvent.Kind.STATUS,
                expected_version=None, close_reason: str = "") -> None:
    old_status = ticket.status
    changes = {"status": new_status}
    if new_status == Status.RESOLU:
        changes["resolved_at"] = at
    if new_status == Status.CLOS:
        changes["closed_at"] = at
        changes["resolved_at"] = ticket.resolved_at or at
        changes["close_reason"] = close_reason or ticket.close_reason or CloseReason.TRAITE
    if new_status in OPEN_STATUSES and old_status in DONE_STATUSES:
        changes.update(resolved_at=None, closed_at=None, close_reason="")
    _bump(ticket, expected_version, **changes)
    _audit(ticket, kind, actor=actor, field_name="status", old_value=old_status,
           new_value=new_status, at=at, public=True)
    if new_status in DONE_STATUSES and old_status not in DONE_STATUSES:
        events.publish("ticket.closed" if new_status == Status.CLOS else "ticket.resolved",
                       live_payload(ticket))
        from .channels import followers

        followers.notify_resolved(ticket=ticket, at=at)
    elif new_status in OPEN_STATUSES and old_status in DONE_STATUSES:
        events.publish("ticket.reopened", live_payload(ticket))


@transaction.atomic
def change_status(*, ticket: Ticket, status: str, actor=None, expected_version: int | None = None,
                  close_reason: str = "") -> Ticket:
    """Move a ticket along its workflow; an impossible move is refused with a clear reason."""
    if status not in Status.values:
        raise ValidationError(_("Statut inconnu."), code="invalid_status")
    if status == ticket.status:
        return ticket
    if status not in ALLOWED_TRANSITIONS[ticket.status]:
        raise ValidationError(
            _("Impossible de passer une demande « %(old)s » au statut « %(new)s »."),
            code="invalid_transition",
            params={"old": Status(ticket.status).label, "new": Status(status).label})
    if close_reason and close_reason not in CloseReason.values:
        raise ValidationError(_("Motif de clôture inconnu."), code="invalid_close_reason")
    _set_status(ticket, status, actor=actor, at=timezone.now(), expected_version=expected_version,
                close_reason=close_reason)
    return ticket


@transaction.atomic
def assign(*, ticket: Ticket, assignee=None, queue: Queue | None = None, actor=None,
           expected_version: int | None = None) -> Ticket:
    changes = {}
    if assignee != ticket.assignee:
        changes["assignee"] = assignee
    if queue is not None and queue != ticket.queue:
        changes["queue"] = queue
    if not changes:
        return ticket
    old_assignee, old_queue = ticket.assignee, ticket.queue
    _bump(ticket, expected_version, **changes)
    if "assignee" in changes:
        _audit(ticket, TicketEvent.Kind.ASSIGNED, actor=actor, field_name="assignee",
               old_value=_user_label(old_assignee), new_value=_user_label(assignee))
    if "queue" in changes:
        _audit(ticket, TicketEvent.Kind.QUEUE, actor=actor, field_name="queue",
               old_value=old_queue or "", new_value=queue)
    return ticket


def _user_label(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


EDITABLE_FIELDS = ("nature", "theme", "subtheme", "commune", "priority", "subject", "street",
                   "address")


@transaction.atomic
def update_ticket(*, ticket: Ticket, actor=None, expected_version: int | None = None,
                  **changes) -> Ticket:
    """Requalify a ticket (nature, theme, commune…), each change kept in the audit trail."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("Champ non modifiable : %(fields)s."),
                              params={"fields": ", ".join(sorted(unknown))})
    if "nature" in changes and changes["nature"] not in Nature.values:
        raise ValidationError(_("Nature de demande inconnue."), code="invalid_nature")
    theme = changes.get("theme", ticket.theme)
    subtheme = changes.get("subtheme", ticket.subtheme)
    if subtheme is not None and theme is not None and subtheme.theme_id != theme.pk:
        raise ValidationError(_("Le sous-thème ne correspond pas au thème choisi."),
                              code="subtheme_mismatch")
    diff = {name: value for name, value in changes.items() if getattr(ticket, name) != value}
    if not diff:
        return ticket
    old = {name: getattr(ticket, name) for name in diff}
    _bump(ticket, expected_version, **diff)
    for name, value in diff.items():
        _audit(ticket, TicketEvent.Kind.FIELD, actor=actor, field_name=name,
               old_value=old[name] or "", new_value=value or "")
    return ticket


@transaction.atomic
def add_note(*, ticket: Ticket, author, body: str) -> Message:
    body = (body or "").strip()
    if not body:
        raise ValidationError(_("La note est vide."), code="empty_note")
    now = timezone.now()
    note = Message.objects.create(ticket=ticket, direction=Message.Direction.NOTE,
                                  channel=ticket.channel, author_user=author, body=body,
                                  public=False, created_at=now)
    Ticket.objects.filter(pk=ticket.pk).update(updated_at=now)
    return note


# --- Replies out ------------------------------------------------------------------------------

REPLY_CHANNELS = {Channel.EMAIL: "email", Channel.SMS: "phone"}


def default_reply_channel(ticket: Ticket) -> str | None:
    """Answer by the channel the resident used when we can; else email, then SMS."""
    from crm.selectors import preferred_contact

    if ticket.usager is None:
        return None
    preferred = [ticket.channel] if ticket.channel in REPLY_CHANNELS else []
    if ticket.channel == Channel.TELEPHONE:
        preferred.append(Channel.SMS)
    for channel in [*preferred, Channel.EMAIL, Channel.SMS]:
        if preferred_contact(ticket.usager, REPLY_CHANNELS[channel]):
            return channel
    return None


@transaction.atomic
def reply(*, ticket: Ticket, author, body: str, channel: str | None = None,
          status: str | None = None, expected_version: int | None = None) -> Message:
    """Answer the resident: the message is stored now and sent by a task after commit."""
    from crm.selectors import preferred_contact

    body = (body or "").strip()
    if not body:
        raise ValidationError(_("La réponse est vide."), code="empty_reply")
    if len(body) > settings.MDS_MAX_MESSAGE_CHARS:
        raise ValidationError(_("La réponse est trop longue."), code="reply_too_long")
    channel = channel or default_reply_channel(ticket)
    if channel not in REPLY_CHANNELS:
        raise ValidationError(
            _("Impossible de répondre : l’usager n’a ni courriel ni téléphone mobile valide."),
            code="no_reply_channel")
    to_address = preferred_contact(ticket.usager, REPLY_CHANNELS[channel]) \
        if ticket.usager else None
    if not to_address:
        raise ValidationError(_("L’usager n’a pas de coordonnée valide pour ce canal."),
                              code="no_contact_for_channel")
    now = timezone.now()
    message = Message.objects.create(
        ticket=ticket, direction=Message.Direction.OUT, channel=channel, author_user=author,
        subject=_reply_subject(ticket), body=body, to_address=to_address, public=True,
        delivery_status=Message.Delivery.PENDING, created_at=now)
    changes = {}
    if ticket.first_response_at is None:
        changes["first_response_at"] = now
    if changes or expected_version is not None:
        _bump(ticket, expected_version, **changes)
    if status and status != ticket.status:
        change_status(ticket=ticket, status=status, actor=author)
    elif ticket.status == Status.NOUVEAU:
        _set_status(ticket, Status.EN_COURS, actor=author, at=now)
    if ticket.usager:
        crm_services.record_contact(
            usager=ticket.usager, kind=TimelineEntry.Kind.MESSAGE_OUT, occurred_at=now,
            channel=channel, source_type="guichet.message", source_id=message.pk,
            ticket_reference=ticket.reference, new_source=True,
            summary=_first_line(body))
    schedule_delivery(message)
    return message


def _reply_subject(ticket: Ticket) -> str:
    return f"[{ticket.reference}] {ticket.subject}"[:250]


def schedule_delivery(message: Message) -> None:
    from .tasks import send_message

    transaction.on_commit(lambda: send_message.delay(message.pk))


# --- Back office ------------------------------------------------------------------------------

@transaction.atomic
def set_message_visibility(*, message: Message, public: bool, actor) -> Message:
    """Choose whether the resident sees a timeline entry on their public follow-up page.

    Internal notes stay internal whatever is asked; every change is audited.
    """
    if message.direction == Message.Direction.NOTE and public:
        raise ValidationError(_("Une note interne ne peut pas être montrée à l’usager."),
                              code="note_is_internal")
    if message.public == public:
        return message
    Message.objects.filter(pk=message.pk).update(public=public)
    message.public = public
    _audit(message.ticket, TicketEvent.Kind.MESSAGE, actor=actor, field_name="public",
           old_value=f"message {message.pk} : {not public}", new_value=str(public))
    return message


def _sanitize_article_html(body: str) -> str:
    """Supervisors write simple HTML (paragraphs, lists, links); nothing else survives."""
    import nh3
    from django.utils.html import linebreaks

    body = body or ""
    if not re.search(r"<[a-zA-Z/]", body):  # plain text: blank lines make paragraphs
        body = linebreaks(body, autoescape=True)
    return nh3.clean(
        body,
        tags={"p", "br", "ul", "ol", "li", "strong", "em", "b", "i", "a", "h3", "h4",
              "blockquote"},
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
    ).strip()


@transaction.atomic
def save_knowledge_article(*, actor, article=None, theme, subtheme=None, title: str, body: str,
                           keywords: str = "", published: bool = True):
    """Create or edit a knowledge-base article (supervisors only); the body is sanitised."""
    from django.core.exceptions import PermissionDenied

    from maison.roles import supervises

    from .models import KnowledgeArticle

    if not supervises(actor):
        raise PermissionDenied(_("Seuls les superviseurs modifient la base de connaissances."))
    if subtheme is not None and subtheme.theme_id != theme.pk:
        raise ValidationError(_("Le sous-thème ne correspond pas au thème choisi."),
                              code="subtheme_mismatch")
    clean_body = _sanitize_article_html(body)
    if not clean_body or not (title or "").strip():
        raise ValidationError(_("Un article a besoin d’un titre et d’un texte."),
                              code="empty_article")
    article = article or KnowledgeArticle()
    article.theme, article.subtheme = theme, subtheme
    article.title, article.body = title.strip()[:200], clean_body
    article.keywords, article.published = (keywords or "").strip()[:300], published
    article.updated_by = actor
    article.save()
    return article
