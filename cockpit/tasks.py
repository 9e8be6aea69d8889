"""Celery tasks of the cockpit: thin wrappers around the rollups' upkeep (idempotent)."""

from celery import shared_task

from . import rollups


@shared_task(acks_late=True, ignore_result=True)
def catch_up_rollups() -> int:
    """Apply the tickets changed since the watermark (every few seconds)."""
    return rollups.catch_up()


@shared_task(acks_late=True, ignore_result=True)
def reconcile_rollups() -> int:
    """Compare every ticket with what the rollups counted, and repair (nightly)."""
    return rollups.reconcile()
