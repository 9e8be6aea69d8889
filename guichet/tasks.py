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


@shared_task(bind=True, acks_late=True)
def file_inbox(self, helpers: int | None = None) -> int:
    """The inbox's filer, woken by the webhooks' bell: files every stored input waiting.

    Idempotent: filers claim inputs one at a time, a repeated task finds nothing to do.
    """
    from .channels import raw

    queue = (self.request.delivery_info or {}).get("routing_key")
    if helpers is None:
        helpers = raw.FILERS - 1
    return raw.file_waiting(helpers=helpers, queue=queue)


@shared_task(acks_late=True)
def process_raw_inbound(raw_id: int) -> str:
    """One stored webhook input into the funnel (idempotent; tasks queued before the bell)."""
    from .channels import raw

    reception = raw.process_stored(raw_id)
    return reception.ticket.reference if reception and reception.ticket else "-"


@shared_task(acks_late=True)
def drain_raw_inbound() -> int:
    """Beat: inputs whose task was lost are processed (the inbox never keeps anything)."""
    from .channels import raw

    pending = raw.pending()
    for raw_id in pending:
        raw.process_stored(raw_id)
    return len(pending)
