"""In-app notices for agents: a reply that could not be delivered, an address that bounced."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import AgentNotice, Message


def recipients_for(message: Message) -> list:
    """Who must know: the ticket's assignee, else the agent who wrote the message."""
    ticket = message.ticket
    users = [ticket.assignee] if ticket.assignee_id else []
    if not users and message.author_user_id:
        users = [message.author_user]
    return [user for user in users if user is not None and user.is_active]


def alert(*, message: Message, kind: str, text: str) -> list[AgentNotice]:
    """One notice per recipient and message: a retried task never alerts twice."""
    notices = []
    for user in recipients_for(message):
        try:
            with transaction.atomic():
                notice, _created = AgentNotice.objects.get_or_create(
                    user=user, message=message, kind=kind,
                    defaults={"ticket": message.ticket, "text": text[:300],
                              "created_at": timezone.now()})
        except IntegrityError:
            notice = AgentNotice.objects.get(user=user, message=message, kind=kind)
        notices.append(notice)
    return notices


def unread(user):
    return (AgentNotice.objects.select_related("ticket")
            .filter(user=user, read_at__isnull=True).order_by("-created_at", "-id"))


def mark_read(*, user, notice_ids) -> int:
    return (AgentNotice.objects.filter(user=user, pk__in=list(notice_ids), read_at__isnull=True)
            .update(read_at=timezone.now()))
