"""Demo data: surveys for the demo's closed tickets, with realistic answers in plain French.

About 60 % of handled requests get a survey (the others: spam, duplicates, no contact point,
refusals, one survey per usager per month), a third of those are answered, satisfaction
around 82 % (share of 4 and 5). At 1,000,000 tickets that is about 200,000 answers, loaded
with COPY in a few minutes. Tickets resolved in the last day are left to the planner, so
that `./mds run` sends real surveys (printed to the console) with working links.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from guichet import survey_selectors
from maison import calendar
from maison.demo import Progress, Seeded, random_for
from maison.demo.bulk import TableLoader, fast_load, reserve_ids, reset_sequences, wipe

from . import window
from .models import Answer, ChatRating, FollowUp, PlanningWatermark, Survey, SurveyTemplate

SKIPPED_SHARE = 0.30  # of tickets with a usager: no contact, refusals, recent survey
ANSWER_RATE = 0.36
RATINGS = [(5, 0.52), (4, 0.30), (3, 0.09), (2, 0.05), (1, 0.04)]
SKIP_REASONS = [(Survey.SkipReason.RECENT_SURVEY, 0.6), (Survey.SkipReason.NO_CONTACT, 0.3),
                (Survey.SkipReason.REFUSED, 0.1)]
SMS_CHANNELS = {"telephone", "sms"}
COMMENT_SHARE = {5: 0.25, 4: 0.25, 3: 0.45, 2: 0.7, 1: 0.8}
LEFT_TO_PLANNER = timedelta(days=1)

COMMENTS = {
    "good": [
        "Très bon accueil au téléphone, réponse claire et rapide.",
        "Merci, le nouveau bac a été livré en deux jours.",
        "Agent très aimable et patient, j’ai tout compris.",
        "Réponse rapide par courriel, rien à redire.",
        "Service efficace, le badge de déchèterie est arrivé vite.",
        "On m’a bien expliqué les consignes de tri, merci.",
        "Enlèvement des encombrants fait à la date prévue.",
        "Interlocutrice compétente, problème réglé au premier appel.",
    ],
    "mixed": [
        "Réponse correcte mais il a fallu rappeler deux fois.",
        "Attente un peu longue au téléphone, sinon personne agréable.",
        "Le bac est arrivé mais avec une semaine de retard.",
        "Les horaires de la déchèterie ne sont pas clairs sur le site.",
        "Explications utiles mais le formulaire en ligne est compliqué.",
    ],
    "poor": [
        "Attente interminable au téléphone et personne ne rappelle.",
        "Mon bac n’a toujours pas été remplacé malgré trois demandes.",
        "Collecte encore oubliée dans ma rue, c’est la troisième fois.",
        "Facture incompréhensible et aucune réponse à mon courriel.",
        "Le badge de déchèterie n’est jamais arrivé.",
        "Réponse toute faite qui ne correspond pas à ma question.",
    ],
}
FOLLOW_UP_OUTCOMES = [
    "Usager rappelé : excuses présentées, intervention programmée.",
    "Rappel fait, explication donnée sur le calendrier de collecte.",
    "Message laissé sur le répondeur, courriel de suivi envoyé.",
    "Bac livré après relance du prestataire, usager satisfait.",
]

SURVEY_COLUMNS = ["id", "ticket_id", "ticket_reference", "usager_id", "theme_id", "commune_id",
                  "ticket_channel", "agent_id", "resolved_at", "channel", "status",
                  "skip_reason", "due_at", "send_attempts", "sent_at", "expires_at",
                  "answered_at", "token_hash", "token_nonce", "provider_id", "last_error",
                  "created_at", "claimed_until", "reminder_sent_at", "contact_point_id"]
ANSWER_COLUMNS = ["survey_id", "rating", "resolution", "comment", "answered_at",
                  "completed_at", "reopened_ticket"]
FOLLOW_UP_COLUMNS = ["survey_id", "state", "created_at", "handled_at", "outcome",
                     "assigned_to_id", "handled_by_id"]


class SendingClock:
    """`window.due_at_for`, computed once per local day (a million calls cost half a minute).

    Within a day the answer is the moment itself inside the sending window, the window's
    opening before it, and the next sending day's opening after it (or on a day without
    sending) — so the day's three values are asked of `window` once, then looked up."""

    def __init__(self):
        self.tz = calendar.local_tz()
        self.delay = timedelta(minutes=settings.SURVEYS_DELAY_AFTER_RESOLUTION_MINUTES)
        self.days: dict = {}

    def due_at_for(self, resolved_at: datetime) -> datetime:
        local = (resolved_at + self.delay).astimezone(self.tz)
        opens, closes, next_opening = self._day(local)
        if opens is not None and local < closes:
            return local if local >= opens else opens
        return next_opening

    def _day(self, local: datetime) -> tuple:
        day = local.date()
        known = self.days.get(day)
        if known is None:
            start, end = window.sending_hours()
            if window.is_sending_day(day):
                closes = datetime.combine(day, end, self.tz)
                known = (datetime.combine(day, start, self.tz), closes,
                         window.next_sending_moment(closes))
            else:
                known = (None, None, window.next_sending_moment(
                    datetime.combine(day, time(0, 0), self.tz)))
            self.days[day] = known
        return known


def _pick(rng, weighted):
    draw = rng.random()
    for value, weight in weighted:
        draw -= weight
        if draw < 0:
            return value
    return weighted[-1][0]


def seed(*, tickets: int, progress: Progress) -> Seeded:
    SurveyTemplate.objects.get_or_create(theme=None)
    if Survey.objects.exists():
        return Seeded(notes=["Des enquêtes existent déjà : rien n’a été ajouté."])
    rng = random_for("surveys")
    now = timezone.now()
    cutoff = now - LEFT_TO_PLANNER
    total = survey_selectors.done_ticket_count()
    counts = {"enquêtes": 0, "réponses": 0, "suivis": 0}
    clock = SendingClock()
    surveys = TableLoader(Survey, SURVEY_COLUMNS)
    answers = TableLoader(Answer, ANSWER_COLUMNS)
    follow_ups = TableLoader(FollowUp, FOLLOW_UP_COLUMNS)
    with fast_load(Survey, Answer, FollowUp, enabled=total > 50_000, progress=progress), \
            progress(total=total, desc="Enquêtes de satisfaction", unit=" demandes") as bar:
        for chunk in survey_selectors.iter_done_tickets():
            chunk = [ticket for ticket in chunk if ticket.resolved_at < cutoff]
            next_id = reserve_ids(Survey, len(chunk))
            for offset, ticket in enumerate(chunk):
                _seed_ticket(rng, ticket, next_id + offset, now, clock, surveys, answers,
                             follow_ups, counts)
            bar.update(len(chunk))
        for loader in (surveys, answers, follow_ups):
            loader.flush()
    reset_sequences(Survey)
    counts["notes de Sophie"] = _seed_chat_ratings(rng, tickets, now)
    PlanningWatermark.objects.update_or_create(
        key="tickets", defaults={"resolved_until": cutoff, "last_run_at": now})
    return Seeded(counts=counts)


def _seed_ticket(rng, ticket, survey_id, now, clock, surveys, answers, follow_ups,
                 counts) -> None:
    due_at = clock.due_at_for(ticket.resolved_at)
    status, reason, channel = _fate(rng, ticket)
    sent_at = expires_at = answered_at = None
    if status != Survey.Status.SKIPPED:
        sent_at = due_at + timedelta(minutes=rng.randint(0, 20))
        expires_at = sent_at + timedelta(days=14)
        if sent_at > now:
            status, sent_at, expires_at = Survey.Status.DUE, None, None
        elif rng.random() < ANSWER_RATE:
            answered_at = min(sent_at + timedelta(minutes=rng.randint(3, 2 * 24 * 60)), now)
            status = Survey.Status.ANSWERED
        elif expires_at < now:
            status = Survey.Status.EXPIRED
    surveys.add((survey_id, ticket.id, ticket.reference or "", ticket.usager_id,
                 ticket.theme_id, ticket.commune_id, ticket.channel, ticket.assignee_id,
                 ticket.resolved_at, channel, status, reason, due_at,
                 0 if status in (Survey.Status.SKIPPED, Survey.Status.DUE) else 1, sent_at,
                 expires_at, answered_at, None, "", "", "", now, None, None, None))
    counts["enquêtes"] += 1
    if answered_at is not None:
        _seed_answer(rng, survey_id, answered_at, now, answers, follow_ups, counts)


def _fate(rng, ticket) -> tuple[str, str, str]:
    if ticket.closed_as_spam:
        return Survey.Status.SKIPPED, Survey.SkipReason.SPAM, ""
    if ticket.closed_as_duplicate:
        return Survey.Status.SKIPPED, Survey.SkipReason.DUPLICATE, ""
    if ticket.usager_id is None:
        return Survey.Status.SKIPPED, Survey.SkipReason.NO_USAGER, ""
    if rng.random() < SKIPPED_SHARE:
        return Survey.Status.SKIPPED, _pick(rng, SKIP_REASONS), ""
    channel = "sms" if ticket.channel in SMS_CHANNELS else "email"
    return Survey.Status.SENT, "", channel


def _seed_answer(rng, survey_id, answered_at, now, answers, follow_ups, counts) -> None:
    rating = _pick(rng, RATINGS)
    if rating >= 4:
        resolution = _pick(rng, [("first_contact", 0.8), ("later", 0.18), ("unresolved", 0.02)])
    elif rating == 3:
        resolution = _pick(rng, [("first_contact", 0.35), ("later", 0.45), ("unresolved", 0.2)])
    else:
        resolution = _pick(rng, [("first_contact", 0.1), ("later", 0.4), ("unresolved", 0.5)])
    if rng.random() < 0.08:
        resolution = ""  # answered in one click from the email, form never validated
    comment = ""
    if resolution and rng.random() < COMMENT_SHARE[rating]:
        tone = "good" if rating >= 4 else "mixed" if rating == 3 else "poor"
        comment = rng.choice(COMMENTS[tone])
    completed_at = answered_at + timedelta(seconds=rng.randint(20, 300)) if resolution else None
    answers.add((survey_id, rating, resolution, comment, answered_at, completed_at, False))
    counts["réponses"] += 1
    if rating <= 2:
        done = answered_at < now - timedelta(days=7) or rng.random() < 0.3
        follow_ups.add((survey_id, "done" if done else "open", answered_at,
                        answered_at + timedelta(days=rng.randint(1, 5)) if done else None,
                        rng.choice(FOLLOW_UP_OUTCOMES) if done else "", None, None))
        counts["suivis"] += 1


def _seed_chat_ratings(rng, tickets: int, now) -> int:
    start = now - timedelta(days=365)
    rows = [ChatRating(conversation_ref=f"demo-{index:07d}",
                       rating=_pick(rng, [(5, 0.45), (4, 0.33), (3, 0.1), (2, 0.06), (1, 0.06)]),
                       rated_at=start + timedelta(seconds=rng.randint(0, 365 * 86400)))
            for index in range(max(tickets // 15, 0))]
    ChatRating.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    return len(rows)


def reset() -> None:
    """Wipe survey volume (the tickets they are about are being wiped too)."""
    wipe(FollowUp, Answer, Survey, ChatRating)
    PlanningWatermark.objects.all().delete()
