"""Sophie's background work: evaluating a training set takes a few seconds, off the request."""

from celery import shared_task


@shared_task(acks_late=True, ignore_result=True)
def evaluate_training(run_id: int) -> None:
    from .learning import evaluate
    from .models import EvaluationRun

    run = EvaluationRun.objects.filter(pk=run_id, state=EvaluationRun.State.PENDING).first()
    if run is not None:  # idempotent: a redelivered task finds the run already done
        evaluate(run)
