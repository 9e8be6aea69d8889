"""Sending due surveys exactly once, even when a worker dies mid-send.

1. Claim: in one short transaction, SELECT … FOR UPDATE SKIP LOCKED a batch of due rows (or of
   rows whose claim lease ran out: their sender died) and mark them `sending` with a lease.
   Concurrent senders and duplicate task deliveries take disjoint rows.
2. Check each claimed survey again (ticket reopened or closed as spam since, refusal given,
   contact point invalidated, too late) and skip it with its reason.
3. Send it through the ESP / SMS backend, keyed by the survey id (same Message-ID on every
   attempt), then mark it `sent` with a conditional UPDATE on the claimed row.

A worker killed after the claim leaves rows in `sending`: after the lease another pass claims
them again and sends them — nothing is lost. A row is marked `sent` right after its own send,
so a crash re-sends at most the one message whose provider call was in flight.
"""

from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from anymail.exceptions import AnymailAPIError, AnymailError, AnymailRecipientsRefused
from django.conf import settings
from django.core.mail import get_connection
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from crm import services as crm_services
from crm.models import ContactPoint
from guichet import survey_selectors
from maison import sms

from . import audience, messages, window
from .models import Survey, SurveyChannel, SurveyTemplate

logger = logging.getLogger(__name__)
MAX_SEND_ATTEMPTS = 5


@dataclass
class DispatchResult:
    claimed: int = 0
    sent: int = 0
    skipped: int = 0
    retried: int = 0
    failed: int = 0
    batches: int = 0
    outside_window: bool = False
    skip_reasons: dict = field(default_factory=dict)

    def add(self, other: DispatchResult) -> None:
        for name in ("claimed", "sent", "skipped", "retried", "failed", "batches"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for reason, count in other.skip_reasons.items():
            self.skip_reasons[reason] = self.skip_reasons.get(reason, 0) + count


def claimable(now: datetime):
    return Q(status=Survey.Status.DUE, due_at__lte=now) | Q(status=Survey.Status.SENDING,
                                                            claimed_until__lt=now)


def count_claimable(now: datetime | None = None) -> int:
    return Survey.objects.filter(claimable(now or timezone.now())).count()


def claim_batch(*, now: datetime | None = None, size: int | None = None) -> list[int]:
    """Take up to `size` sendable surveys for this sender only (SKIP LOCKED)."""
    now = now or timezone.now()
    size = size or settings.SURVEYS_BATCH_SIZE
    lease = timedelta(seconds=settings.SURVEYS_CLAIM_LEASE_SECONDS)
    with transaction.atomic():
        ids = []
        for condition in (Q(status=Survey.Status.SENDING, claimed_until__lt=now),
                          Q(status=Survey.Status.DUE, due_at__lte=now)):
            if len(ids) >= size:
                break
            ids += list(Survey.objects.select_for_update(skip_locked=True).filter(condition)
                        .order_by("due_at", "id").values_list("id", flat=True)[:size - len(ids)])
        if ids:
            Survey.objects.filter(id__in=ids).update(
                status=Survey.Status.SENDING, claimed_until=now + lease,
                send_attempts=F("send_attempts") + 1)
    return ids


def dispatch_due(*, now: datetime | None = None, batch_size: int | None = None,
                 max_batches: int | None = None, time_budget: float | None = None,
                 respect_window: bool = True, progress=None) -> DispatchResult:
    """Claim and send due surveys batch after batch until none is left (or the budget ends)."""
    result = DispatchResult()
    started = time.monotonic()
    if respect_window and not window.in_sending_window(now or timezone.now()):
        result.outside_window = True
        return result
    while max_batches is None or result.batches < max_batches:
        if time_budget is not None and time.monotonic() - started > time_budget:
            break
        moment = now or timezone.now()
        ids = claim_batch(now=moment, size=batch_size)
        if not ids:
            break
        _fault("claimed", ids)
        batch = send_claimed(ids, now=moment)
        batch.batches = 1
        result.add(batch)
        if progress is not None:
            progress(len(ids))
    return result


def _fault(stage: str, ids: list[int]) -> None:
    """Fault injection for the worker tests (SURVEYS_FAULT_HOOK); nothing in production."""
    if settings.SURVEYS_FAULT_HOOK:
        import_string(settings.SURVEYS_FAULT_HOOK)(stage, ids)


def send_claimed(ids: list[int], *, now: datetime | None = None) -> DispatchResult:
    now = now or timezone.now()
    result = DispatchResult(claimed=len(ids))
    surveys = list(Survey.objects.filter(id__in=ids, status=Survey.Status.SENDING)
                   .select_related("contact_point", "usager", "theme").order_by("id"))
    checks = _Checks(surveys, now=now)
    to_send = _skip_unsendable(surveys, checks, result)
    outbound = Outbound()
    try:
        with _marks_without_fsync():
            for survey in to_send:
                _send_one(survey, checks.template_for(survey), outbound, now, result)
    finally:
        outbound.close()
    return result


class Outbound:
    """What a batch sends through, each opened once when first needed and reused: the mail
    connection (one HTTP session to the ESP) and the SMS backend (one Twilio client).
    """

    def __init__(self):
        self._mail_connection = None
        self._sms_backend = None

    @property
    def mail_connection(self):
        if self._mail_connection is None:
            self._mail_connection = open_mail_connection()
        return self._mail_connection

    @property
    def sms_backend(self):
        if self._sms_backend is None:
            self._sms_backend = sms.get_backend()
        return self._sms_backend

    def close(self) -> None:
        if self._mail_connection is not None:
            self._mail_connection.close()


def _skip_unsendable(surveys: list[Survey], checks: _Checks,
                     result: DispatchResult) -> list[Survey]:
    """Mark the surveys that must not go out (one UPDATE per reason); return the others."""
    by_reason: dict[str, list[int]] = {}
    to_send = []
    for survey in surveys:
        reason = checks.skip_reason(survey)
        if reason:
            by_reason.setdefault(reason, []).append(survey.pk)
        else:
            to_send.append(survey)
    for reason, ids in by_reason.items():
        Survey.objects.filter(pk__in=ids, status=Survey.Status.SENDING).update(
            status=Survey.Status.SKIPPED, skip_reason=reason, claimed_until=None, last_error="")
        result.skipped += len(ids)
        result.skip_reasons[reason] = len(ids)
    return to_send


def open_mail_connection():
    """Django's mail connection (Anymail's backend), opened once for a whole batch."""
    mail_connection = get_connection()
    mail_connection.open()
    _settle_http_environment(mail_connection)
    return mail_connection


def _settle_http_environment(mail_connection) -> None:
    """Read the proxy and CA bundle settings from the environment once per batch.

    A requests session that trusts the environment looks them up again for every request
    (walking os.environ, matching no_proxy): a fifth of the CPU of sending an email. They
    cannot change under a running worker, so they are resolved once for the ESP's API URL and
    kept on the session. Only Anymail's requests-based backends have `session` and `api_url`.
    """
    session = getattr(mail_connection, "session", None)
    api_url = getattr(mail_connection, "api_url", None)
    if session is None or not api_url or not getattr(session, "trust_env", False):
        return
    resolved = session.merge_environment_settings(api_url, {}, None, None, None)
    session.proxies, session.verify, session.cert = (resolved["proxies"], resolved["verify"],
                                                     resolved["cert"])
    session.trust_env = False


class _Checks:
    """What may have changed since planning, loaded once per batch."""

    def __init__(self, surveys: list[Survey], *, now: datetime):
        self.now = now
        self.states = survey_selectors.ticket_states(s.ticket_id for s in surveys)
        usager_ids = {s.usager_id for s in surveys if s.usager_id}
        self.refused = audience.refusals(usager_ids)
        self.inactive = {pk for pk, reach in audience.reachability(usager_ids).items()
                         if not reach.active} if usager_ids else set()
        self.templates = {t.theme_id: t for t in SurveyTemplate.objects.all()}
        self.templates.setdefault(None, SurveyTemplate())  # one default object for the batch
        self.too_late = now - timedelta(days=settings.SURVEYS_MAX_LATENESS_DAYS)

    def template_for(self, survey: Survey) -> SurveyTemplate:
        return self.templates.get(survey.theme_id) or self.templates[None]

    def skip_reason(self, survey: Survey) -> str:
        state = self.states.get(survey.ticket_id)
        if state is None or not state.is_done:
            return Survey.SkipReason.REOPENED
        if state.close_reason == "spam":
            return Survey.SkipReason.SPAM
        if state.close_reason == "doublon":
            return Survey.SkipReason.DUPLICATE
        if survey.usager_id is None or survey.usager_id in self.inactive:
            return Survey.SkipReason.USAGER_INACTIVE
        if (survey.usager_id, survey.channel) in self.refused:
            return Survey.SkipReason.REFUSED
        point = survey.contact_point
        if point is None or not point.is_valid:
            return Survey.SkipReason.NO_CONTACT
        if survey.due_at < self.too_late:
            return Survey.SkipReason.TOO_LATE
        if survey.send_attempts > MAX_SEND_ATTEMPTS:  # it keeps killing its sender
            return Survey.SkipReason.SEND_FAILED
        if not self.template_for(survey).enabled:
            return Survey.SkipReason.THEME_DISABLED
        return ""


def _send_one(survey: Survey, template: SurveyTemplate, outbound: Outbound, now: datetime,
              result: DispatchResult) -> None:
    try:
        provider_id = send_survey_message(survey, template, outbound=outbound)
    except AnymailRecipientsRefused as exc:
        crm_services.mark_contact_point_invalid(kind=ContactPoint.Kind.EMAIL,
                                                value=survey.contact_point.value,
                                                reason=str(exc)[:200])
        _mark_skipped(survey, Survey.SkipReason.SEND_FAILED, error=str(exc))
        result.failed += 1
        return
    except (AnymailError, sms.SmsError, OSError) as exc:
        if _is_transient(exc) and survey.send_attempts < MAX_SEND_ATTEMPTS:
            _release(survey, now=now, error=str(exc))
            result.retried += 1
        else:
            _mark_skipped(survey, Survey.SkipReason.SEND_FAILED, error=str(exc))
            result.failed += 1
        logger.warning("survey %s not sent (attempt %s)", survey.pk, survey.send_attempts)
        return
    _mark_sent(survey, provider_id=provider_id, now=now)
    result.sent += 1


def send_survey_message(survey: Survey, template: SurveyTemplate, *, reminder: bool = False,
                        outbound: Outbound | None = None) -> str:
    """Send one survey; `outbound` shares connections across a batch (else opened here)."""
    if survey.channel == SurveyChannel.SMS:
        backend = outbound.sms_backend if outbound else sms.get_backend()
        outcome = backend.send(to=survey.contact_point.value,
                               body=messages.sms_body(survey, reminder=reminder))
        return outcome.provider_id
    email = messages.build_email(survey, template, reminder=reminder,
                                 connection=outbound.mail_connection if outbound else None)
    email.send()
    status = getattr(email, "anymail_status", None)
    return str(getattr(status, "message_id", None) or email.extra_headers["Message-ID"])


def _is_transient(exc: Exception) -> bool:
    if isinstance(exc, sms.SmsError):
        return exc.transient
    if isinstance(exc, AnymailAPIError):
        status = getattr(exc, "status_code", None)
        return status is None or status == 429 or status >= 500
    return isinstance(exc, OSError)


def _mark_sent(survey: Survey, *, provider_id: str, now: datetime) -> None:
    """Right after its own send (a crash re-sends at most the message in flight).

    The same conditional UPDATE the ORM would write, as one fixed statement: building it
    through a QuerySet for every survey cost more than the database spends running it.
    """
    lifetime = timedelta(days=settings.SURVEYS_TOKEN_LIFETIME_DAYS)
    with connection.cursor() as cursor:
        cursor.execute(_MARK_SENT_SQL, [Survey.Status.SENT, now, now + lifetime,
                                        provider_id[:255], survey.pk, Survey.Status.SENDING])


_MARK_SENT_SQL = ('UPDATE "surveys_survey" SET status = %s, sent_at = %s, expires_at = %s, '
                  "claimed_until = NULL, provider_id = %s, last_error = '' "
                  "WHERE id = %s AND status = %s")


@contextmanager
def _marks_without_fsync():
    """While sending a claimed batch, commits do not wait for the WAL flush (PostgreSQL).

    Each "sent" mark is visible to every other session at once and survives a worker killed
    right after it: only a crash of PostgreSQL itself within ~200 ms could lose one, and that
    survey would be sent a second time after its lease. Waiting for the disk after every
    single survey would cost more than sending it. Claims are made outside this block, with
    the usual flush: a survey is never sent before its claim is on disk.
    """
    postgres = connection.vendor == "postgresql" and not connection.in_atomic_block
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("RESET synchronous_commit")


def _mark_skipped(survey: Survey, reason: str, *, error: str = "") -> None:
    Survey.objects.filter(pk=survey.pk, status=Survey.Status.SENDING).update(
        status=Survey.Status.SKIPPED, skip_reason=reason, claimed_until=None,
        last_error=error[:300])


def _release(survey: Survey, *, now: datetime, error: str) -> None:
    """Back to due, a little later each time (the provider is overloaded or unreachable)."""
    backoff = timedelta(minutes=5 * 2 ** max(survey.send_attempts - 1, 0))
    Survey.objects.filter(pk=survey.pk, status=Survey.Status.SENDING).update(
        status=Survey.Status.DUE, claimed_until=None, due_at=now + backoff,
        last_error=error[:300])


# --- Housekeeping and reminders -----------------------------------------------------------------

def expire_surveys(*, now: datetime | None = None) -> dict[str, int]:
    """Links past their lifetime close; due surveys never sent in time are dropped."""
    now = now or timezone.now()
    expired = Survey.objects.filter(status=Survey.Status.SENT, expires_at__lt=now).update(
        status=Survey.Status.EXPIRED)
    too_late = now - timedelta(days=settings.SURVEYS_MAX_LATENESS_DAYS)
    dropped = Survey.objects.filter(status=Survey.Status.DUE, due_at__lt=too_late).update(
        status=Survey.Status.SKIPPED, skip_reason=Survey.SkipReason.TOO_LATE)
    return {"expired": expired, "too_late": dropped}


def send_reminders(*, now: datetime | None = None, respect_window: bool = True,
                   batch_size: int | None = None) -> int:
    """One reminder, N days after sending, to surveys still unanswered (none by default).

    The reminder is claimed by setting reminder_sent_at before sending: at most once — a
    reminder lost in a crash is better than a resident asked three times.
    """
    days = settings.SURVEYS_REMINDER_AFTER_DAYS
    now = now or timezone.now()
    if days <= 0 or (respect_window and not window.in_sending_window(now)):
        return 0
    size = batch_size or settings.SURVEYS_BATCH_SIZE
    sent = 0
    while True:
        with transaction.atomic():
            ids = list(Survey.objects.select_for_update(skip_locked=True)
                       .filter(status=Survey.Status.SENT, reminder_sent_at__isnull=True,
                               sent_at__lte=now - timedelta(days=days), expires_at__gt=now)
                       .values_list("id", flat=True)[:size])
            Survey.objects.filter(id__in=ids).update(reminder_sent_at=now)
        if not ids:
            return sent
        sent += _send_reminder_batch(ids, now=now)


def _send_reminder_batch(ids: list[int], *, now: datetime) -> int:
    surveys = list(Survey.objects.filter(id__in=ids).select_related("contact_point", "usager",
                                                                      "theme"))
    checks = _Checks(surveys, now=now)
    outbound = Outbound()
    sent = 0
    try:
        for survey in surveys:
            if checks.skip_reason(survey) not in ("", Survey.SkipReason.TOO_LATE):
                continue
            try:
                send_survey_message(survey, checks.template_for(survey), reminder=True,
                                    outbound=outbound)
                sent += 1
            except (AnymailError, sms.SmsError, OSError):
                logger.warning("reminder for survey %s not sent", survey.pk)
    finally:
        outbound.close()
    return sent
