"""guichet's part in the CRM: key figures, RGPD export and erasure, merges (crm.registry).

crm sits below guichet and never imports it: importing this module from
GuichetConfig.ready() registers the hooks (registration is keyed, importing twice is harmless).
Erasure keeps what statistics count (the ticket, its dates, channel, nature, theme, commune,
street, category snapshot, status, SLA) and removes what identifies or was written by the
person: subjects, places typed, message bodies, addresses, attachments (files included),
raw inbound payloads and the old values of edited free-text fields.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import Count, Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    OPEN_STATUSES,
    AgentNotice,
    Attachment,
    Message,
    RawInbound,
    Ticket,
    TicketEvent,
    TicketFollower,
)

logger = logging.getLogger(__name__)

ERASED_SUBJECT = "—"
FREE_TEXT_FIELDS = ("subject", "address", "street", "body")


def _iso(value) -> str | None:
    return value.isoformat() if value else None


# --- Key figures on the 360° page ---------------------------------------------------------

def request_figures(usager):
    from crm.registry import KeyFigure

    start = timezone.localtime().replace(month=1, day=1, hour=0, minute=0, second=0,
                                         microsecond=0)
    figures = Ticket.objects.filter(usager=usager).aggregate(
        this_year=Count("id", filter=Q(created_at__gte=start)),
        open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        total=Count("id"))
    return [
        KeyFigure(label=_("Demandes cette année"), value=str(figures["this_year"]),
                  hint=_("%(total)s depuis le premier contact") % {"total": figures["total"]},
                  order=10),
        KeyFigure(label=_("Demandes en cours"), value=str(figures["open"]), order=20),
    ]


# --- RGPD export (right of access and portability) ----------------------------------------

def export_requests(usager) -> dict[str, list[dict]]:
    tickets = (Ticket.objects.filter(usager=usager)
               .select_related("theme", "subtheme", "commune", "street").order_by("created_at"))
    messages = (Message.objects.filter(Q(ticket__usager=usager) | Q(author_usager=usager))
                .select_related("ticket").prefetch_related("attachments")
                .order_by("created_at", "id").distinct())
    return {
        _("Demandes"): [{
            "référence": ticket.reference, "reçue le": _iso(ticket.created_at),
            "canal": ticket.get_channel_display(), "nature": ticket.get_nature_display(),
            "thème": ticket.theme.label if ticket.theme_id else "",
            "sous-thème": ticket.subtheme.label if ticket.subtheme_id else "",
            "commune": ticket.commune.name if ticket.commune_id else "",
            "lieu": ticket.address, "voie": ticket.street.name if ticket.street_id else "",
            "objet": ticket.subject, "statut": ticket.get_status_display(),
            "close le": _iso(ticket.closed_at),
        } for ticket in tickets],
        _("Messages"): [{
            "demande": message.ticket.reference, "date": _iso(message.created_at),
            "sens": message.get_direction_display(), "canal": message.get_channel_display(),
            "objet": message.subject, "texte": message.body,
            "destinataire": message.to_address,
            "pièces jointes": ", ".join(f"{a.filename} ({a.size} octets)"
                                        for a in message.attachments.all()),
        } for message in messages],
        _("Signalements suivis"): [{
            "demande": follower.ticket.reference, "depuis le": _iso(follower.created_at),
        } for follower in TicketFollower.objects.filter(usager=usager).select_related("ticket")],
    }


# --- RGPD erasure by anonymisation --------------------------------------------------------

def erase_requests(usager) -> dict[str, int]:
    ticket_ids = list(Ticket.objects.filter(usager=usager).values_list("id", flat=True))
    messages = Message.objects.filter(Q(ticket_id__in=ticket_ids) | Q(author_usager=usager))
    attachments = Attachment.objects.filter(message__in=messages)
    files = [name for name in attachments.values_list("file", flat=True) if name]
    attachment_count = attachments.delete()[0]
    storage = Attachment._meta.get_field("file").storage
    # Files go once the anonymisation is committed: a rollback must not leave dangling rows.
    transaction.on_commit(lambda: _delete_files(storage, files))
    counts = {
        "tickets": Ticket.objects.filter(id__in=ticket_ids).exclude(
            subject=ERASED_SUBJECT, address="").update(subject=ERASED_SUBJECT, address=""),
        "messages": messages.update(subject="", body="", body_html="", to_address="",
                                    metadata={}),
        "attachments": attachment_count,
        "raw_inbounds": RawInbound.objects.filter(ticket_id__in=ticket_ids).update(
            payload={"anonymised": True}, error=""),
        "unfiled_raw_inbounds": _unfiled_raw_inputs_of(usager).update(
            payload={"anonymised": True}, error=""),
        "notices": AgentNotice.objects.filter(ticket_id__in=ticket_ids).update(
            text=ERASED_SUBJECT),
        "events": TicketEvent.objects.filter(ticket_id__in=ticket_ids,
                                             field__in=FREE_TEXT_FIELDS).update(old_value="",
                                                                                new_value=""),
    }
    return counts


def _unfiled_raw_inputs_of(usager):
    """Raw inputs never filed on a ticket (failed, or auto-replies set aside) that came from
    one of the usager's addresses or numbers: the sender is kept in clear in every payload
    (email envelope, SMS From), so a text match on the contact points finds them."""
    values = [value for value in usager.contact_points.values_list("value", flat=True) if value]
    if not values:
        return RawInbound.objects.none()
    sent_by_usager = Q()
    for value in values:
        sent_by_usager |= Q(payload_text__icontains=value)
    return (RawInbound.objects.filter(ticket__isnull=True)
            .annotate(payload_text=Cast("payload", TextField())).filter(sent_by_usager))


def _delete_files(storage, names: list[str]) -> None:
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            logger.exception("attachment file could not be deleted during an erasure")


def open_request_holds(usager_ids: list[int]) -> set[int]:
    """Retention waits while a request is still being handled."""
    return set(Ticket.objects.filter(usager_id__in=usager_ids, status__in=OPEN_STATUSES)
               .values_list("usager_id", flat=True))


# --- Merges --------------------------------------------------------------------------------

def move_requests(source, target) -> dict:
    tickets = list(Ticket.objects.filter(usager=source).values_list("id", flat=True))
    messages = list(Message.objects.filter(author_usager=source).values_list("id", flat=True))
    followed_by_target = TicketFollower.objects.filter(usager=target).values("ticket_id")
    followers = list(TicketFollower.objects.filter(usager=source)
                     .exclude(ticket_id__in=followed_by_target).values_list("id", flat=True))
    Ticket.objects.filter(id__in=tickets).update(usager=target)
    Message.objects.filter(id__in=messages).update(author_usager=target)
    TicketFollower.objects.filter(id__in=followers).update(usager=target)
    return {"tickets": tickets, "messages": messages, "followers": followers}


def move_requests_back(source, target, data: dict) -> None:
    Ticket.objects.filter(id__in=data.get("tickets", []), usager=target).update(usager=source)
    Message.objects.filter(id__in=data.get("messages", []), author_usager=target).update(
        author_usager=source)
    TicketFollower.objects.filter(id__in=data.get("followers", []), usager=target).update(
        usager=source)


# --- Registration --------------------------------------------------------------------------

def register() -> None:
    from crm import registry

    from . import crm_hooks

    registry.register_key_figure(request_figures)
    registry.register_personal_data_handler(registry.PersonalDataHandler(
        name="guichet", label=_("Demandes et messages"), export=export_requests,
        erase=erase_requests, retention_hold=open_request_holds))
    registry.register_merge_handler(registry.MergeHandler(
        name="guichet", merge=move_requests, undo=move_requests_back))
    crm_hooks.register()


register()
