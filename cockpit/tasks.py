"""Celery tasks of the cockpit: thin wrappers around the rollups' upkeep (idempotent)."""

from celery import shared_task

from . import rollups, survey_rollups


@shared_task(acks_late=True, ignore_result=True)
def catch_up_rollups() -> int:
    """Apply the tickets changed since the watermark (every few seconds)."""
    return rollups.catch_up()


@shared_task(acks_late=True, ignore_result=True)
def refresh_survey_rollups() -> int:
    """Recompute the recent days of the surveys' rollups (answers keep arriving)."""
    return survey_rollups.refresh_recent()


@shared_task(acks_late=True, ignore_result=True)
def reconcile_rollups() -> int:
    """Compare every ticket with what the rollups counted, and repair; recompute every day
    of the surveys' rollups (nightly)."""
    repaired = rollups.reconcile()
    survey_rollups.rebuild()
    return repaired
