"""Sophie's background work: evaluating a training set takes a few seconds, off the request."""

from celery import shared_task


@shared_task(acks_late=True, ignore_result=True)
def evaluate_training(run_id: int) -> None:
    from .learning import evaluate
    from .models import EvaluationRun

    run = EvaluationRun.objects.filter(pk=run_id, state=EvaluationRun.State.PENDING).first()
    if run is not None:  # idempotent: a redelivered task finds the run already done
        evaluate(run)


@shared_task(acks_late=True, ignore_result=True)
def purge_old_conversations() -> int:
    """Conversations are kept a year (what Sophie tells residents); requests keep their copy."""
    from .services import purge_conversations

    return purge_conversations()


@shared_task(acks_late=True, ignore_result=True)
def release_abandoned_handoffs() -> int:
    """A resident left waiting for a person too long gets Sophie back, with a callback offer."""
    from .services import release_abandoned_handoffs as release

    return release()
