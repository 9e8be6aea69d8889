"""The collectivité, the mairies, following a request, and the small talk."""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.utils import timezone

from chatbot import catalogue, selectors, texts
from chatbot.dialogue.reply import Reply
from guichet import chatbot_selectors
from maison import calendar
from maison.collection import french_day

from . import handler
from .context import Context
from .decheteries import hhmm
from .tri import _phone

WEEKDAY_NAMES = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def _spans_words(spans) -> str:
    return " et ".join(f"de {hhmm(time.fromisoformat(a))} à {hhmm(time.fromisoformat(b))}"
                       for a, b in spans)


def business_hours_words() -> str:
    """« du lundi au vendredi, de 9 h à 17 h » from MDS_BUSINESS_HOURS."""
    weekdays = settings.MDS_BUSINESS_HOURS["weekdays"]
    groups: list[tuple[list[int], list]] = []
    for day in range(7):
        spans = [tuple(s) for s in weekdays.get(day, [])]
        if not spans:
            continue
        if groups and groups[-1][1] == spans and groups[-1][0][-1] == day - 1:
            groups[-1][0].append(day)
        else:
            groups.append(([day], spans))
    parts = []
    for days, spans in groups:
        if len(days) > 2:
            lead = f"du {WEEKDAY_NAMES[days[0]]} au {WEEKDAY_NAMES[days[-1]]}"
        else:
            lead = " et ".join(f"le {WEEKDAY_NAMES[d]}" for d in days)
        parts.append(f"{lead}, {_spans_words(spans)}")
    return " ; ".join(parts)


def opening_sentence(now) -> str:
    status = calendar.opening_status(now)
    if status.open:
        closes = timezone.localtime(status.closes_at)
        return f"Nous sommes ouverts en ce moment, jusqu’à {hhmm(closes.time())}."
    if status.opens_at is None:
        return "Nous sommes fermés en ce moment."
    opens = timezone.localtime(status.opens_at)
    today = timezone.localtime(now).date()
    if opens.date() == today:
        when = "aujourd’hui"
    elif (opens.date() - today).days == 1:
        when = "demain"
    else:
        when = french_day(opens.date())
    return f"Nous sommes fermés en ce moment ; nous rouvrons {when} à {hhmm(opens.time())}."


@handler("cdc_horaires_accueil")
def cdc_horaires_accueil(ctx: Context) -> Reply:
    return Reply(text=texts.say("cdc_horaires_accueil", status=opening_sentence(ctx.now),
                                hours=business_hours_words()),
                 quick_replies=["Parler à un conseiller"])


@handler("cdc_communes")
def cdc_communes(ctx: Context) -> Reply:
    names = selectors.commune_names()
    listed = ", ".join(names[:-1]) + f" et {names[-1]}" if len(names) > 1 else "".join(names)
    return Reply(text=texts.say("cdc_communes", count=len(names), communes=listed))


def _mairie(intent: str, ctx: Context) -> Reply:
    commune = ctx.commune()
    return Reply(text=texts.say(intent, commune=commune.name,
                                mairie_address=commune.mairie_address or "—",
                                mairie_phone=_phone(commune.mairie_phone) or "—",
                                mairie_email=commune.mairie_email or "—"))


@handler("mairie_contact")
def mairie_contact(ctx: Context) -> Reply:
    return _mairie("mairie_contact", ctx)


@handler("hors_competence")
def hors_competence(ctx: Context) -> Reply:
    return _mairie("hors_competence", ctx)


@handler("salutation")
def salutation(ctx: Context) -> Reply:
    return Reply(text=texts.say("salutation"), quick_replies=list(catalogue.MAIN_TOPICS))


@handler("suivi_demande")
def suivi_demande(ctx: Context) -> Reply:
    reference = ctx.slots.get("reference")
    found = chatbot_selectors.ticket_status(reference)
    if found is None:
        return Reply(text=texts.say("suivi_demande", "not_found", reference=reference),
                     quick_replies=["Parler à un conseiller"])
    created = french_day(timezone.localtime(found.created_at).date(), with_year=True)
    if found.closed_at or found.resolved_at:
        done = timezone.localtime(found.closed_at or found.resolved_at).date()
        deadline = f"Elle a été traitée le {french_day(done, with_year=True)}."
    elif found.due_at:
        due = timezone.localtime(found.due_at).date()
        late = due < ctx.today
        deadline = (f"Le service s’était engagé à y répondre avant le {french_day(due)} : "
                    "elle est en retard, je vous prie de nous en excuser." if late else
                    f"Le service s’est engagé à y répondre avant le {french_day(due)}.")
    else:
        deadline = ""
    updated = timezone.localtime(found.updated_at).date()
    updated_words = f" Dernière mise à jour : {french_day(updated)}." \
        if updated != timezone.localtime(found.created_at).date() else ""
    return Reply(text=texts.say("suivi_demande", reference=found.reference, created=created,
                                status=found.status_label.lower(), deadline=deadline,
                                updated=updated_words))
