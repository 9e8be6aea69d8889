"""Planning: one survey row per resolved or closed ticket, due after the delay or skipped.

The planner walks tickets resolved since its watermark, in pages, and inserts one row per
ticket with INSERT … ON CONFLICT DO NOTHING on the unique ticket id: a retried, restarted or
duplicated pass never creates a second survey. The watermark row is locked for the whole
pass (SKIP LOCKED: a second planner simply returns), which also keeps the per-usager period
exact — two tickets of one usager are never planned by two passes at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from guichet import survey_selectors

from . import audience, tokens, window
from .models import PlanningWatermark, Survey, SurveyTemplate

logger = logging.getLogger(__name__)
PAGE_SIZE = 1000
COUNTED_STATUSES = (Survey.Status.DUE, Survey.Status.SENDING, Survey.Status.SENT,
                    Survey.Status.ANSWERED, Survey.Status.EXPIRED)


@dataclass
class PlanResult:
    scanned: int = 0
    due: int = 0
    skipped: int = 0
    busy: bool = False


def plan_surveys(*, now: datetime | None = None) -> PlanResult:
    """One planning pass over tickets resolved since the watermark (idempotent)."""
    now = now or timezone.now()
    PlanningWatermark.objects.get_or_create(key="tickets")
    result = PlanResult()
    with transaction.atomic():
        watermark = (PlanningWatermark.objects.select_for_update(skip_locked=True)
                     .filter(key="tickets").first())
        if watermark is None:
            result.busy = True
            return result
        since = _scan_start(watermark, now)
        after = None
        while True:
            page = survey_selectors.tickets_done_since(since=since, until=now, after=after,
                                                       limit=PAGE_SIZE)
            if not page:
                break
            _plan_page(page, now=now, result=result)
            after = (page[-1].resolved_at, page[-1].id)
        watermark.resolved_until = now
        watermark.last_run_at = now
        watermark.save(update_fields=["resolved_until", "last_run_at"])
    logger.info("survey planning: %s tickets scanned, %s due, %s skipped", result.scanned,
                result.due, result.skipped)
    return result


def _scan_start(watermark: PlanningWatermark, now: datetime) -> datetime:
    if watermark.resolved_until is None:  # first run: never survey requests of long ago
        return now - timedelta(days=settings.SURVEYS_MAX_LATENESS_DAYS)
    return watermark.resolved_until - timedelta(minutes=settings.SURVEYS_PLANNING_OVERLAP_MINUTES)


def _plan_page(page: list, *, now: datetime, result: PlanResult) -> None:
    result.scanned += len(page)
    existing = dict(Survey.objects.filter(ticket_id__in=[t.id for t in page])
                    .values_list("ticket_id", "skip_reason"))
    # A survey skipped because its ticket was reopened is planned again once it is resolved.
    replan = [pk for pk, reason in existing.items() if reason == Survey.SkipReason.REOPENED]
    if replan:
        Survey.objects.filter(ticket_id__in=replan, status=Survey.Status.SKIPPED).delete()
    tickets = [t for t in page if t.id not in existing or t.id in replan]
    if not tickets:
        return
    planner = _Planner(tickets, now=now)
    rows = [planner.survey_for(ticket) for ticket in tickets]
    Survey.objects.bulk_create(rows, ignore_conflicts=True)
    for row in rows:
        if row.status == Survey.Status.DUE:
            result.due += 1
        else:
            result.skipped += 1


class _Planner:
    """Decides each ticket's survey with the page's data loaded in a few queries."""

    def __init__(self, tickets: list, *, now: datetime):
        self.now = now
        usager_ids = {t.usager_id for t in tickets if t.usager_id}
        self.reach = audience.reachability(usager_ids)
        self.refused = audience.refusals(usager_ids)
        self.templates = templates_by_theme()
        self.period_days = settings.SURVEYS_PER_USAGER_PERIOD_DAYS
        period_start = now - timedelta(days=self.period_days)
        recent = Survey.objects.filter(usager_id__in=usager_ids, status__in=COUNTED_STATUSES,
                                       due_at__gte=period_start)
        self.recent = set(recent.values_list("usager_id", flat=True)) \
            if self.period_days > 0 else set()

    def survey_for(self, ticket) -> Survey:
        survey = Survey(
            ticket_id=ticket.id, ticket_reference=ticket.reference or "",
            usager_id=ticket.usager_id, theme_id=ticket.theme_id, commune_id=ticket.commune_id,
            ticket_channel=ticket.channel,
            agent_id=ticket.assignee_id, resolved_at=ticket.resolved_at,
            due_at=window.due_at_for(ticket.resolved_at))
        reason, channel, point = self._decide(ticket)
        if reason:
            survey.status, survey.skip_reason = Survey.Status.SKIPPED, reason
            return survey
        survey.channel, survey.contact_point_id = channel, point.pk
        survey.token_nonce = tokens.new_nonce()
        survey.token_hash = tokens.hash_token(tokens.make_token(ticket.id, survey.token_nonce))
        if self.period_days > 0:
            self.recent.add(ticket.usager_id)
        return survey

    def _decide(self, ticket) -> tuple[str, str, object]:
        if ticket.closed_as_spam:
            return Survey.SkipReason.SPAM, "", None
        if ticket.closed_as_duplicate:
            return Survey.SkipReason.DUPLICATE, "", None
        if not ticket.usager_id:
            return Survey.SkipReason.NO_USAGER, "", None
        reach = self.reach.get(ticket.usager_id)
        if reach is None or not reach.active:
            return Survey.SkipReason.USAGER_INACTIVE, "", None
        template = self.templates.get(ticket.theme_id) or self.templates.get(None)
        if template is not None and not template.enabled:
            return Survey.SkipReason.THEME_DISABLED, "", None
        if ticket.usager_id in self.recent:
            return Survey.SkipReason.RECENT_SURVEY, "", None
        return choose_channel(ticket.channel, reach, ticket.usager_id, self.refused)


def choose_channel(ticket_channel: str, reach, usager_id: int,
                   refused: set) -> tuple[str, str, object]:
    """The first channel in preference order with a valid contact and no refusal."""
    saw_refusal = False
    for channel in audience.channel_order(ticket_channel):
        point = reach.points.get(channel)
        if point is None:
            continue
        if (usager_id, channel) in refused:
            saw_refusal = True
            continue
        return "", channel, point
    reason = Survey.SkipReason.REFUSED if saw_refusal else Survey.SkipReason.NO_CONTACT
    return reason, "", None


def templates_by_theme() -> dict:
    return {template.theme_id: template for template in SurveyTemplate.objects.all()}
