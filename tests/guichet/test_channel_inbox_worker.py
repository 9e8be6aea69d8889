"""The inbox filed by a real Celery worker: two filers side by side, each input filed once."""

from __future__ import annotations

import time

import pytest

from guichet.models import RawInbound
from tests.guichet.test_channel_inbox import inbound_sms, sid, stored
from tests.worker import celery_worker_factory, wait_for  # noqa: F401 (fixture)

pytestmark = [pytest.mark.worker, pytest.mark.xdist_group("celery-worker"),
              pytest.mark.usefixtures("reference_data"),
              pytest.mark.django_db(transaction=True)]


def test_filers_on_a_real_worker_file_each_input_exactly_once(
        celery_worker_factory, tmp_path):  # noqa: F811
    count = 30
    for number in range(count):
        stored(number, sender=f"+336123456{number:02d}")
    worker = celery_worker_factory(concurrency=2, env={
        "MDS_PUBLIC_BASE_URL": "https://mds.coeurcotefleurie.example"})
    worker.send("guichet.tasks.file_inbox")  # wakes a helper: two filers on the backlog
    worker.send("guichet.tasks.file_inbox")  # a redelivered bell: a third filer finds less

    def all_filed():
        return not RawInbound.objects.filter(state=RawInbound.State.RECEIVED).exists()

    wait_for(all_filed, timeout=60, what="the inbox to be filed")
    time.sleep(1)
    inbound = inbound_sms()
    assert inbound.count() == count
    assert set(inbound.values_list("external_id", flat=True)) == {sid(n) for n in range(count)}
    assert set(RawInbound.objects.values_list("state", flat=True)) == {RawInbound.State.PROCESSED}
    assert not RawInbound.objects.exclude(error="").exists()  # none filed as a duplicate
    # The two tasks sent, and the helper the first one woke on the same queue.
    assert worker.log().count("Task guichet.tasks.file_inbox[") >= 3
