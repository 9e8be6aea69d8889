"""Thin Celery wrappers around guichet services; idempotent, acknowledged late."""

from celery import shared_task

from . import delivery


@shared_task(bind=True, acks_late=True, autoretry_for=(delivery.TransientDeliveryError,),
             retry_backoff=30, retry_backoff_max=1800, retry_jitter=True,
             max_retries=delivery.MAX_ATTEMPTS)
def send_message(self, message_id: int) -> str:
    """Send one outbound message; a duplicate delivery of the task sends nothing twice."""
    return delivery.deliver(message_id).status


@shared_task(acks_late=True)
def recover_stuck_messages() -> dict:
    """Settle messages left in SENDING by a worker that died (beat, every few minutes)."""
    return delivery.recover_stuck()
