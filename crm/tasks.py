"""Thin Celery wrappers around crm services: campaigns, duplicate detection, retention."""

from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, ignore_result=True)
def dispatch_due_campaigns() -> int:
    """Beat, every minute: start scheduled campaigns that are due, retire stale claims."""
    from crm.services import campaigns

    campaigns.fail_stale_deliveries()
    due = campaigns.start_due_campaigns()
    for campaign_id in due:
        send_campaign.delay(campaign_id)
    return len(due)


@shared_task(acks_late=True, ignore_result=True)
def send_campaign(campaign_id: int) -> None:
    """Draw the audience once, then send one throttled batch and queue the next one.

    Safe to run twice or concurrently: rows are unique per (campaign, usager, channel) and a
    message leaves only after its row was claimed by a single conditional UPDATE.
    """
    from crm.services import campaigns

    campaigns.prepare_deliveries(campaign_id)
    report = campaigns.send_pending_deliveries(campaign_id=campaign_id)
    logger.info("campaign %s: %s sent, %s failed, %s skipped, %s to retry, %s remaining",
                campaign_id, report.sent, report.failed, report.skipped, report.retried,
                report.remaining)
    if report.remaining:
        # Only retries left: give the provider a moment before trying again.
        countdown = 30 if report.sent == 0 and report.retried else 0
        send_campaign.apply_async((campaign_id,), countdown=countdown)


@shared_task(acks_late=True, ignore_result=True)
def find_duplicates() -> dict:
    from crm.services.duplicates import detect_duplicates

    report = detect_duplicates()
    logger.info("duplicates: %s usagers, %s candidates, %s new proposals", report.usagers,
                report.candidates, report.created)
    return {"usagers": report.usagers, "created": report.created}


@shared_task(acks_late=True, ignore_result=True)
def apply_retention() -> int:
    from crm.services.rgpd import apply_retention as apply
    from crm.services.rgpd import prune_access_log

    erased = apply()
    pruned = prune_access_log()
    logger.info("retention: %s inactive usagers anonymised, %s access log rows pruned",
                erased, pruned)
    return erased
