"""Writes on surveys: answers (one click, then the form), refusals, Sophie's ratings, follow-ups.

Planning and sending live in `planning` and `dispatch`; they are re-exported here so callers
(tasks, the command, other rooms) have one entry point.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm import services as crm_services
from crm.models import ConsentChannel, Purpose, TimelineEntry, Usager
from maison import events

from . import messages, reopen, tokens
from .dispatch import dispatch_due, expire_surveys, send_reminders  # noqa: F401
from .models import Answer, ChatRating, FollowUp, Resolution, Survey, SurveyTemplate
from .planning import plan_surveys  # noqa: F401

MAX_COMMENT_CHARS = 2000
POOR_RATINGS = (1, 2)


# --- Answer links -------------------------------------------------------------------------------

class LinkError(Exception):
    status = 404


class UnknownLink(LinkError):
    status = 404


class ExpiredLink(LinkError):
    status = 410


def survey_for_token(token: str, *, now: datetime | None = None,
                     allow_expired: bool = False) -> Survey:
    """The survey behind an answer link, or UnknownLink / ExpiredLink (never a crash)."""
    if not tokens.looks_like_token(token or ""):
        raise UnknownLink()
    survey = (Survey.objects.select_related("theme", "usager")
              .filter(token_hash=tokens.hash_token(token)).first())
    if survey is None or survey.sent_at is None and survey.status != Survey.Status.SENDING:
        raise UnknownLink()
    now = now or timezone.now()
    expired = survey.status == Survey.Status.EXPIRED or (
        survey.expires_at is not None and survey.expires_at < now)
    if expired and not allow_expired and not _is_completed(survey):
        raise ExpiredLink()
    return survey


def _is_completed(survey: Survey) -> bool:
    return Answer.objects.filter(survey=survey, completed_at__isnull=False).exists()


def template_for(survey: Survey) -> SurveyTemplate:
    return (SurveyTemplate.objects.filter(theme_id=survey.theme_id).first()
            or SurveyTemplate.objects.filter(theme__isnull=True).first() or SurveyTemplate())


# --- Answers ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AnswerOutcome:
    answer: Answer
    already_completed: bool = False
    reopened: bool = False


def _validate_rating(rating) -> int:
    try:
        value = int(rating)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 5:
        raise ValidationError(_("Choisissez une note de 1 à 5."), code="invalid_rating")
    return value


@transaction.atomic
def record_rating(*, survey: Survey, rating: int, now: datetime | None = None) -> AnswerOutcome:
    """The one-click answer from the email: the score is kept, the rest of the form follows.

    Until the form is validated a new click replaces the score (a slip of the finger); once it
    is validated nothing changes any more.
    """
    rating = _validate_rating(rating)
    now = now or timezone.now()
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    answer, created = _answer_for(survey, now)
    if answer.completed_at:
        return AnswerOutcome(answer, already_completed=True)
    answer.rating = rating
    answer.save(update_fields=["rating"])
    _after_answer(survey, answer, first=created, now=now)
    return AnswerOutcome(answer)


@transaction.atomic
def submit_answer(*, survey: Survey, rating, resolution: str = "", comment: str = "",
                  now: datetime | None = None) -> AnswerOutcome:
    """The validated questionnaire; a second submission changes and counts nothing."""
    rating = _validate_rating(rating)
    if resolution and resolution not in Resolution.values:
        raise ValidationError(_("Réponse inconnue."), code="invalid_resolution")
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT_CHARS:
        raise ValidationError(_("Le commentaire est trop long (%(max)s caractères au plus)."),
                              code="comment_too_long", params={"max": MAX_COMMENT_CHARS})
    now = now or timezone.now()
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    answer, created = _answer_for(survey, now)
    if answer.completed_at:
        return AnswerOutcome(answer, already_completed=True)
    answer.rating, answer.resolution, answer.comment = rating, resolution, comment
    answer.completed_at = now
    template = template_for(survey)
    if resolution == Resolution.UNRESOLVED and template.reopen_on_unresolved:
        answer.reopened_ticket = reopen.reopen_ticket(ticket_id=survey.ticket_id, rating=rating,
                                                      comment=comment)
    answer.save()
    _after_answer(survey, answer, first=created, now=now)
    return AnswerOutcome(answer, reopened=answer.reopened_ticket)


def _answer_for(survey: Survey, now: datetime) -> tuple[Answer, bool]:
    answer = Answer.objects.filter(survey=survey).first()
    if answer:
        return answer, False
    if survey.status not in (Survey.Status.SENDING, Survey.Status.SENT, Survey.Status.EXPIRED):
        raise ValidationError(_("Cette enquête n’attend pas de réponse."), code="not_open")
    answer = Answer.objects.create(survey=survey, answered_at=now)
    # sent_at may still be empty when the answer beats the sender's own bookkeeping.
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.ANSWERED, answered_at=now,
                                               sent_at=survey.sent_at or now)
    return answer, True


def _after_answer(survey: Survey, answer: Answer, *, first: bool, now: datetime) -> None:
    _follow_up_rule(survey, answer, now)
    if first and survey.usager_id:
        summary = _("Enquête %(reference)s : satisfaction %(rating)s/5 (%(label)s)") % {
            "reference": survey.ticket_reference, "rating": answer.rating,
            "label": messages.rating_label(answer.rating)}
        crm_services.record_contact(
            usager=survey.usager, kind=TimelineEntry.Kind.SURVEY, summary=summary,
            occurred_at=now, channel=survey.channel, source_type="surveys.answer",
            source_id=answer.pk, ticket_reference=survey.ticket_reference)
    if first:
        events.publish("survey.answered", {
            "reference": survey.ticket_reference, "rating": answer.rating,
            "channel": survey.ticket_channel,
            "theme": survey.theme.label if survey.theme_id else None})


def _follow_up_rule(survey: Survey, answer: Answer, now: datetime) -> None:
    """A 1 or 2 opens a follow-up for supervisors; a corrected score closes an untouched one."""
    if answer.rating in POOR_RATINGS:
        _follow_up, created = FollowUp.objects.get_or_create(
            survey=survey, defaults={"created_at": now})
        if created:
            events.publish("survey.follow_up", {"reference": survey.ticket_reference,
                                                "rating": answer.rating})
        return
    FollowUp.objects.filter(survey=survey, state=FollowUp.State.OPEN,
                            assigned_to__isnull=True).update(
        state=FollowUp.State.DONE, handled_at=now,
        outcome=_("Note corrigée par l’usager (%(rating)s/5).") % {"rating": answer.rating})


# --- Refusing surveys ---------------------------------------------------------------------------

@transaction.atomic
def stop_surveys(*, survey: Survey, source: str = "lien de désinscription") -> None:
    """The usager asks for no more surveys: a refusal on every channel, with its proof."""
    if survey.usager_id is None:
        return
    for channel in (ConsentChannel.EMAIL, ConsentChannel.SMS):
        crm_services.record_consent(usager=survey.usager, purpose=Purpose.ENQUETES,
                                    channel=channel, given=False, source=source[:30],
                                    proof={"survey_id": survey.pk,
                                           "reference": survey.ticket_reference})


# --- Sophie's rating ----------------------------------------------------------------------------

def record_chat_rating(*, conversation_ref: str, rating: int, usager: Usager | None = None,
                       theme=None, commune=None, at: datetime | None = None) -> ChatRating:
    """The chatbot's one-question rating at the end of a conversation (one per conversation).

    Called again for the same conversation (a retry, a change of mind), it keeps one rating:
    the latest.
    """
    rating = _validate_rating(rating)
    conversation_ref = (conversation_ref or "").strip()[:64]
    if not conversation_ref:
        raise ValidationError(_("Conversation inconnue."), code="invalid_conversation")
    at = at or timezone.now()
    defaults = {"rating": rating, "usager": usager, "theme": theme, "commune": commune,
                "rated_at": at}
    try:
        with transaction.atomic():
            chat_rating, created = ChatRating.objects.update_or_create(
                conversation_ref=conversation_ref, defaults=defaults)
    except IntegrityError:  # two deliveries at once: the other one won, update it
        chat_rating = ChatRating.objects.get(conversation_ref=conversation_ref)
        ChatRating.objects.filter(pk=chat_rating.pk).update(**defaults)
        created = False
    if usager is not None:
        crm_services.record_contact(
            usager=usager, kind=TimelineEntry.Kind.SURVEY, occurred_at=at, channel="chatbot",
            source_type="surveys.chat_rating", source_id=chat_rating.pk,
            summary=_("Conversation avec Sophie notée %(rating)s/5") % {"rating": rating})
    if created:
        events.publish("survey.chat_rated", {"rating": rating,
                                             "theme": theme.label if theme else None})
    return chat_rating


# --- Follow-ups of poor ratings -----------------------------------------------------------------

@transaction.atomic
def take_follow_up(*, follow_up: FollowUp, user) -> FollowUp:
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if follow_up.state == FollowUp.State.DONE:
        raise ValidationError(_("Ce suivi est déjà traité."), code="already_done")
    follow_up.assigned_to = user
    follow_up.state = FollowUp.State.IN_PROGRESS
    follow_up.save(update_fields=["assigned_to", "state"])
    return follow_up


@transaction.atomic
def close_follow_up(*, follow_up: FollowUp, user, outcome: str) -> FollowUp:
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError(_("Indiquez la suite donnée (appel, explication, geste…)."),
                              code="empty_outcome")
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if follow_up.state == FollowUp.State.DONE:
        raise ValidationError(_("Ce suivi est déjà traité."), code="already_done")
    follow_up.state = FollowUp.State.DONE
    follow_up.handled_at = timezone.now()
    follow_up.handled_by = user
    follow_up.assigned_to = follow_up.assigned_to or user
    follow_up.outcome = outcome[:MAX_COMMENT_CHARS]
    follow_up.save()
    return follow_up


# --- Questionnaires -----------------------------------------------------------------------------

TEMPLATE_FIELDS = ("enabled", "intro", "rating_question", "ask_resolution",
                   "resolution_question", "ask_comment", "comment_question",
                   "reopen_on_unresolved")


@transaction.atomic
def save_template(*, theme, user, **fields) -> SurveyTemplate:
    """Create or change the questionnaire of a theme (theme=None: the default one)."""
    unknown = set(fields) - set(TEMPLATE_FIELDS)
    if unknown:
        raise ValidationError(_("Champ inconnu : %(fields)s."),
                              params={"fields": ", ".join(sorted(unknown))})
    template = SurveyTemplate.objects.select_for_update().filter(theme=theme).first()
    if template is None:
        template = SurveyTemplate(theme=theme)
    for name, value in fields.items():
        setattr(template, name, value)
    template.updated_by = user
    template.full_clean()
    template.save()
    return template
