"""A real Celery worker on Redis, killed mid-send: no survey lost, none sent twice.

The survey row is claimed (status `sending`, with a lease) before anything is sent; the
fault hook then freezes the worker right there, and the test kills it with SIGKILL.
"""

from __future__ import annotations

import json
import os
import signal
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from surveys import planning
from surveys.models import Survey
from surveys.testing import read_outbox
from tests.worker import celery_worker_factory, wait_for  # noqa: F401 (fixture)

pytestmark = [pytest.mark.worker, pytest.mark.xdist_group("celery-worker"),
              pytest.mark.usefixtures("reference_data")]
LEASE_SECONDS = 3
TASK = "surveys.tasks.send_due_surveys"


@pytest.fixture
def due_surveys(make_ticket):
    def _make(count=1):
        now = timezone.now()
        tickets = [make_ticket(resolved_at=now - timedelta(minutes=1)) for _ in range(count)]
        planning.plan_surveys(now=now)
        # Due right now, whatever the hour the test runs at.
        Survey.objects.filter(ticket__in=tickets).update(due_at=now - timedelta(seconds=1))
        return list(Survey.objects.filter(ticket__in=tickets, status=Survey.Status.DUE))

    return _make


@pytest.fixture
def worker_env(tmp_path):
    return {"DJANGO_EMAIL_BACKEND": "surveys.testing.RecordingEmailBackend",
            "MDS_TEST_OUTBOX": str(tmp_path / "outbox.jsonl"),
            "MDS_SURVEYS_CLAIM_LEASE_SECONDS": str(LEASE_SECONDS)}


def status_of(survey) -> str:
    return Survey.objects.filter(pk=survey.pk).values_list("status", flat=True).get()


def sent_ids(env) -> list[int]:
    return [int(m["headers"]["X-MDS-Survey"]) for m in read_outbox(env["MDS_TEST_OUTBOX"])]


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_after_its_claim_loses_nothing_and_sends_once(
        celery_worker_factory, due_surveys, worker_env, tmp_path):  # noqa: F811
    [survey] = due_surveys()
    marker = tmp_path / "claimed.json"
    doomed = celery_worker_factory(env={**worker_env, "MDS_TEST_PAUSE_MARKER": str(marker),
                                        "MDS_SURVEYS_FAULT_HOOK":
                                            "surveys.testing.pause_after_claim"})
    doomed.send(TASK, respect_window=False)
    wait_for(marker.exists, what="the worker to claim the survey")
    assert json.loads(marker.read_text())["ids"] == [survey.pk]
    assert status_of(survey) == Survey.Status.SENDING and sent_ids(worker_env) == []
    doomed.kill()  # SIGKILL mid-task: the message is never acknowledged

    time.sleep(1)
    assert status_of(survey) == Survey.Status.SENDING  # claimed by a dead worker: not lost

    survivor = celery_worker_factory(env=worker_env)
    time.sleep(LEASE_SECONDS)
    survivor.send(TASK, respect_window=False)  # the next periodic pass takes it over
    wait_for(lambda: status_of(survey) == Survey.Status.SENT, what="the survey to be sent")
    for _ in range(3):  # late duplicates of the task change nothing
        survivor.send(TASK, respect_window=False)
    time.sleep(2)
    assert sent_ids(worker_env) == [survey.pk]
    assert Survey.objects.get(pk=survey.pk).send_attempts == 2


@pytest.mark.django_db(transaction=True)
def test_a_pool_process_killed_mid_task_is_redelivered_thanks_to_late_ack(
        celery_worker_factory, due_surveys, worker_env, tmp_path):  # noqa: F811
    [survey] = due_surveys()
    marker = tmp_path / "claimed.json"
    worker = celery_worker_factory(env={**worker_env, "MDS_TEST_PAUSE_MARKER": str(marker),
                                        "MDS_SURVEYS_FAULT_HOOK":
                                            "surveys.testing.pause_after_claim"})
    worker.send(TASK, respect_window=False)
    wait_for(marker.exists, what="the worker to claim the survey")
    time.sleep(LEASE_SECONDS + 0.5)
    os.kill(json.loads(marker.read_text())["pid"], signal.SIGKILL)  # the child doing the send
    # acks_late + reject_on_worker_lost: the worker puts the task back and runs it again.
    wait_for(lambda: status_of(survey) == Survey.Status.SENT, what="the redelivered task")
    assert sent_ids(worker_env) == [survey.pk]
    assert "WorkerLostError" in worker.log()  # the kill was seen, and the task run again


@pytest.mark.django_db(transaction=True)
def test_duplicate_task_deliveries_on_parallel_processes_send_each_survey_once(
        celery_worker_factory, due_surveys, worker_env):  # noqa: F811
    surveys = due_surveys(6)
    worker = celery_worker_factory(env={**worker_env, "MDS_SURVEYS_BATCH_SIZE": "2"},
                                   concurrency=2)
    for _ in range(8):
        worker.send(TASK, respect_window=False)
    wait_for(lambda: all(status_of(s) == Survey.Status.SENT for s in surveys),
             what="every survey to be sent")
    time.sleep(1)
    assert sorted(sent_ids(worker_env)) == sorted(s.pk for s in surveys)
