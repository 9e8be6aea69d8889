"""Turning tickets and timeline items into what the pages show (labels, safe HTML, deadlines).

Kept out of the templates so that escaping stays Django's default everywhere: the only HTML
marked safe is what nh3 has just cleaned (email bodies, knowledge-base articles).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import nh3
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from maison import calendar

from ..models import Channel, Message, Nature, Priority, Status, Ticket, TicketEvent
from ..selectors import TimelineItem

SAFE_TAGS = {"p", "br", "div", "span", "ul", "ol", "li", "strong", "em", "b", "i", "u", "a",
             "blockquote", "h1", "h2", "h3", "h4", "table", "thead", "tbody", "tr", "td", "th",
             "pre", "code", "hr"}


def safe_html(value: str) -> SafeString:
    """HTML cleaned again right before display (it was sanitised upstream: defence in depth)."""
    cleaned = nh3.clean(value or "", tags=SAFE_TAGS, attributes={"a": {"href", "title"}},
                        url_schemes={"http", "https", "mailto", "tel"},
                        link_rel="noopener noreferrer nofollow")
    return mark_safe(cleaned)  # noqa: S308 — nh3 output, nothing else


BLOCK_END_RE = re.compile(r"</(p|div|li|h\d|blockquote|tr)>|<br\s*/?>", re.IGNORECASE)


def html_to_text(value: str) -> str:
    """A knowledge-base article as plain text, to insert into a reply (email or SMS)."""
    text = BLOCK_END_RE.sub("\n", value or "")
    text = re.sub(r"<li[^>]*>", "- ", text, flags=re.IGNORECASE)
    text = html.unescape(nh3.clean(text, tags=set()))
    lines = [line.strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# --- Deadlines -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Deadline:
    label: str
    due_at: datetime | None
    done_at: datetime | None
    overdue: bool
    remark: str


def _business_duration(delta: timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    if hours >= 7:
        days = round(hours / 8)  # a working day is 8 opening hours
        return ngettext("%(n)s jour ouvré", "%(n)s jours ouvrés", days) % {"n": days}
    if hours >= 1:
        return ngettext("%(n)s heure ouvrée", "%(n)s heures ouvrées", hours) % {"n": hours}
    minutes = max(1, int(delta.total_seconds() // 60))
    return ngettext("%(n)s minute ouvrée", "%(n)s minutes ouvrées", minutes) % {"n": minutes}


def _deadline(label: str, due_at, done_at, now) -> Deadline:
    if due_at is None:
        return Deadline(label, None, done_at, False, _("pas d’échéance"))
    if done_at:
        late = done_at > due_at
        remark = (_("tenue") if not late else
                  _("tenue avec %(late)s de retard")
                  % {"late": _business_duration(calendar.business_time_between(due_at,
                                                                                   done_at))})
        return Deadline(label, due_at, done_at, False, remark)
    if now > due_at:
        late = calendar.business_time_between(due_at, now)
        return Deadline(label, due_at, None, True,
                        _("dépassée de %(late)s") % {"late": _business_duration(late)})
    left = calendar.business_time_between(now, due_at)
    return Deadline(label, due_at, None, False,
                    _("reste %(left)s") % {"left": _business_duration(left)})


def deadlines(ticket: Ticket, now: datetime | None = None) -> list[Deadline]:
    now = now or timezone.now()
    done = ticket.resolved_at or ticket.closed_at
    return [
        _deadline(_("Première réponse"), ticket.first_response_due_at, ticket.first_response_at,
                  now),
        _deadline(_("Résolution"), ticket.due_at, done, now),
    ]


def is_overdue(ticket: Ticket, now: datetime | None = None) -> bool:
    return bool(ticket.is_open and ticket.due_at and ticket.due_at < (now or timezone.now()))


# --- Timeline --------------------------------------------------------------------------------

FIELD_LABELS = {
    "status": gettext_lazy("Statut"),
    "assignee": gettext_lazy("Agent"),
    "queue": gettext_lazy("File d’attente"),
    "nature": gettext_lazy("Nature"),
    "theme": gettext_lazy("Thème"),
    "subtheme": gettext_lazy("Sous-thème"),
    "commune": gettext_lazy("Commune"),
    "priority": gettext_lazy("Priorité"),
    "subject": gettext_lazy("Objet"),
    "street": gettext_lazy("Voie"),
    "address": gettext_lazy("Lieu"),
    "public": gettext_lazy("Visibilité pour l’usager"),
    "delivery": gettext_lazy("Envoi"),
}
VALUE_LABELS = {"status": Status, "nature": Nature, "channel": Channel}


def _value_label(field: str, value: str) -> str:
    choices = VALUE_LABELS.get(field)
    if choices and value in choices.values:
        return str(choices(value).label)
    if field == "priority" and value.isdigit() and int(value) in Priority.values:
        return str(Priority(int(value)).label)
    if field == "delivery" and value in Message.Delivery.values:
        return str(Message.Delivery(value).label)
    return value or _("(vide)")


def describe_event(event: TicketEvent) -> str:
    if event.kind == TicketEvent.Kind.CREATED:
        return _("Demande créée (%(channel)s)") % {"channel": event.new_value}
    if event.field == "public":
        shown = event.new_value == "True"
        return _("Message rendu visible par l’usager") if shown else \
            _("Message masqué à l’usager")
    if event.kind == TicketEvent.Kind.DELIVERY:
        return _("Envoi impossible d’un message : il n’a pas pu être distribué.")
    label = FIELD_LABELS.get(event.field, event.get_kind_display())
    return _("%(field)s : %(old)s → %(new)s") % {
        "field": label, "old": _value_label(event.field, event.old_value),
        "new": _value_label(event.field, event.new_value)}


DIRECTION_TITLES = {
    Message.Direction.IN: gettext_lazy("Message reçu"),
    Message.Direction.OUT: gettext_lazy("Réponse envoyée"),
    Message.Direction.NOTE: gettext_lazy("Note interne"),
    Message.Direction.CALL: gettext_lazy("Appel téléphonique"),
}
DELIVERY_BADGES = {
    Message.Delivery.PENDING: "en_attente", Message.Delivery.SENDING: "en_attente",
    Message.Delivery.SENT: "en_cours", Message.Delivery.DELIVERED: "resolu",
    Message.Delivery.FAILED: "overdue", Message.Delivery.BOUNCED: "overdue",
    Message.Delivery.COMPLAINED: "overdue",
}


@dataclass
class TimelineEntryView:
    item: TimelineItem
    title: str
    author: str
    body_html: SafeString | None
    body_text: str
    delivery_badge: str
    can_toggle_visibility: bool

    @property
    def message(self) -> Message | None:
        return self.item.message

    @property
    def event(self) -> TicketEvent | None:
        return self.item.event


def present_timeline(items: list[TimelineItem]) -> list[TimelineEntryView]:
    return [_present(item) for item in items]


def _present(item: TimelineItem) -> TimelineEntryView:
    if item.event is not None:
        actor = item.event.actor
        return TimelineEntryView(item=item, title=describe_event(item.event),
                                 author=_user_name(actor) if actor else "", body_html=None,
                                 body_text="", delivery_badge="", can_toggle_visibility=False)
    message = item.message
    title = str(DIRECTION_TITLES[message.direction])
    if message.direction in (Message.Direction.IN, Message.Direction.OUT):
        title += f" — {message.get_channel_display()}"
    if message.direction == Message.Direction.OUT and message.to_address:
        title += " " + _("à %(address)s") % {"address": message.to_address}
    if message.author_user_id:
        author = _user_name(message.author_user)
    elif message.author_usager_id:
        author = message.author_usager.display_name
    else:
        author = _("Usager non identifié")
    return TimelineEntryView(
        item=item, title=title, author=author,
        body_html=safe_html(message.body_html) if message.body_html else None,
        body_text=message.body,
        delivery_badge=DELIVERY_BADGES.get(message.delivery_status, ""),
        can_toggle_visibility=message.direction != Message.Direction.NOTE)


def _user_name(user) -> str:
    return user.get_full_name() or user.get_username()


def when(value: datetime) -> str:
    return date_format(timezone.localtime(value), "DATETIME_FORMAT")
