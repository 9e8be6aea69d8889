"""Thin Celery wrappers: the periodic pass, and senders that claim their own batches.

Tasks carry no survey ids: each sender claims rows in the database (SKIP LOCKED), so a
duplicate delivery of a task, a retry or a restarted worker can never send a survey twice.
"""

import math

from celery import shared_task
from django.conf import settings

from . import dispatch, planning

SENDER_TIME_BUDGET = 50.0  # seconds; the next beat tick starts fresh senders


@shared_task(acks_late=True, ignore_result=True)
def survey_pass() -> dict:
    """Every minute: plan surveys for newly resolved tickets, expire old links, start senders."""
    planned = planning.plan_surveys()
    housekeeping = dispatch.expire_surveys()
    pending = dispatch.count_claimable()
    senders = min(math.ceil(pending / settings.SURVEYS_BATCH_SIZE),
                  settings.SURVEYS_PARALLEL_TASKS)
    for _ in range(senders):
        send_due_surveys.delay()
    if settings.SURVEYS_REMINDER_AFTER_DAYS > 0:
        send_survey_reminders.delay()
    return {"due": planned.due, "skipped": planned.skipped, "senders": senders, **housekeeping}


@shared_task(acks_late=True, ignore_result=True)
def send_due_surveys(respect_window: bool = True) -> dict:
    result = dispatch.dispatch_due(time_budget=SENDER_TIME_BUDGET, respect_window=respect_window)
    return {"sent": result.sent, "skipped": result.skipped, "retried": result.retried}


@shared_task(acks_late=True, ignore_result=True)
def send_survey_reminders() -> int:
    return dispatch.send_reminders()
