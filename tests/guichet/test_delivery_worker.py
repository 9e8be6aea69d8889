"""A real Celery worker on Redis: replies sent once, stuck sends recovered, the inbox drained.

Uses the shared worker fixture (tests/worker.py); needs PostgreSQL and REDIS_URL (skipped
locally without them, required in CI). The worker records emails in a JSON-lines outbox.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from guichet import services
from guichet.channels import raw as raw_store
from guichet.models import Channel, Message, RawInbound
from surveys.testing import read_outbox
from tests.worker import celery_worker_factory, wait_for  # noqa: F401 (fixture)

pytestmark = [pytest.mark.worker, pytest.mark.xdist_group("celery-worker"),
              pytest.mark.usefixtures("reference_data"),
              pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker_env(tmp_path):
    return {"DJANGO_EMAIL_BACKEND": "surveys.testing.RecordingEmailBackend",
            "MDS_TEST_OUTBOX": str(tmp_path / "outbox.jsonl"),
            "MDS_PUBLIC_BASE_URL": "https://mds.coeurcotefleurie.example"}


def status_of(message) -> str:
    return Message.objects.filter(pk=message.pk).values_list("delivery_status", flat=True).get()


def queued_reply(agent):
    ticket = services.receive(channel=Channel.EMAIL, body="Mon bac est cassé",
                              email="marie.dupont@example.fr").ticket
    # The eager after-commit task is disabled by the tests: the real worker sends.
    return services.reply(ticket=ticket, author=agent, body="Un bac neuf arrive jeudi.")


def test_reply_sent_once_by_the_worker_even_when_the_task_is_delivered_thrice(
        celery_worker_factory, worker_env, agent, monkeypatch):  # noqa: F811
    from guichet import tasks

    monkeypatch.setattr(tasks.send_message, "delay", lambda *args, **kwargs: None)
    reply = queued_reply(agent)
    worker = celery_worker_factory(env=worker_env)
    for _ in range(3):
        worker.send("guichet.tasks.send_message", reply.pk)
    wait_for(lambda: status_of(reply) == Message.Delivery.SENT, what="the reply to be sent")
    time.sleep(2)
    outbox = read_outbox(worker_env["MDS_TEST_OUTBOX"])
    assert len(outbox) == 1 and outbox[0]["to"] == ["marie.dupont@example.fr"]
    reply.refresh_from_db()
    assert outbox[0]["headers"]["Message-ID"] == reply.message_id_header


def test_a_send_left_by_a_dead_worker_is_recovered_once(  # noqa: F811
        celery_worker_factory, worker_env, agent, monkeypatch):  # noqa: F811
    from guichet import tasks

    monkeypatch.setattr(tasks.send_message, "delay", lambda *args, **kwargs: None)
    reply = queued_reply(agent)
    # As a worker SIGKILLed after its claim leaves it: SENDING, claimed long ago, with the
    # Message-ID it had saved before calling the provider.
    Message.objects.filter(pk=reply.pk).update(
        delivery_status=Message.Delivery.SENDING, send_attempts=1,
        claimed_at=timezone.now() - timedelta(minutes=30),
        message_id_header="<kept-123@coeurcotefleurie.example>")
    worker = celery_worker_factory(env=worker_env)
    worker.send("guichet.tasks.send_message", reply.pk)  # a redelivered task sends nothing
    time.sleep(2)
    assert read_outbox(worker_env["MDS_TEST_OUTBOX"]) == []
    for _ in range(2):
        worker.send("guichet.tasks.recover_stuck_messages")
    wait_for(lambda: status_of(reply) == Message.Delivery.SENT, what="the recovered send")
    time.sleep(2)
    outbox = read_outbox(worker_env["MDS_TEST_OUTBOX"])
    assert len(outbox) == 1
    assert outbox[0]["headers"]["Message-ID"] == "<kept-123@coeurcotefleurie.example>"


def test_the_inbox_is_filed_by_the_worker(celery_worker_factory, worker_env):  # noqa: F811
    from tests.guichet.test_channel_twilio import sms_params

    form = sms_params()
    raw = raw_store.store(channel=Channel.SMS, external_id=form["MessageSid"],
                          payload={"kind": "sms", "form": form})
    worker = celery_worker_factory(env=worker_env)
    worker.send("guichet.tasks.process_raw_inbound", raw.pk)
    worker.send("guichet.tasks.process_raw_inbound", raw.pk)  # a duplicate task
    wait_for(lambda: RawInbound.objects.get(pk=raw.pk).state == RawInbound.State.PROCESSED,
             what="the SMS to be filed")
    time.sleep(1)
    assert Message.objects.filter(channel=Channel.SMS, external_id=form["MessageSid"]).count() == 1
