"""The Server-Sent Events stream and the live refresh endpoint."""

from __future__ import annotations

import json
import os
import threading
import time

import pytest
from django.urls import reverse

from cockpit import stream
from guichet import services
from guichet.models import Channel, Nature
from maison import events
from maison.events import Event
from maison.models import LiveEvent


class FakeBus:
    def __init__(self, items):
        self.items = items
        self.calls = []

    def listen(self, after_id, timeout):
        self.calls.append((after_id, timeout))
        yield from self.items


def parse(body: str) -> list[dict]:
    """The events of an event-stream body, as the browser would dispatch them."""
    dispatched = []
    for block in body.split("\n\n"):
        fields = {}
        for line in block.splitlines():
            if line.startswith(":") or ":" not in line:
                continue
            name, _, value = line.partition(":")
            fields[name] = value.strip()
        if "data" in fields:
            dispatched.append({"id": fields.get("id"), "event": fields.get("event"),
                               "data": json.loads(fields["data"])})
    return dispatched


def test_events_are_framed_whitelisted_and_filtered():
    payload = {"reference": "MDS-2026-000042", "channel": "email", "nature": "reclamation",
               "status": "nouveau", "theme": "Déchèteries", "commune": "Deauville",
               "created_at": "2026-11-18T10:00:00+01:00",
               "usager": "Gertrude Vasseur", "email": "g@example.fr"}  # must never leave
    bus = FakeBus([Event("7", "ticket.created", payload),
                   Event("8", "ticket.created", {**payload, "commune": "Touques"}),
                   Event("9", "survey.answered", {"x": 1}),
                   Event("", "keepalive", {}),
                   Event("10", "ticket.closed", payload)])
    body = "".join(stream.event_stream(bus, after_id="6", seconds=3, commune="Deauville"))
    assert body.startswith("retry: 500\nid: 6\n")
    assert bus.calls == [("6", 3)]
    events_seen = parse(body)
    assert [e["id"] for e in events_seen] == ["7", "10"]
    assert "id: 8\n\n" in body and "id: 9\n\n" in body  # skipped, but Last-Event-ID moves on
    first = events_seen[0]
    assert first["event"] == "ticket"
    assert first["data"]["label"] == "Nouvelle demande"
    assert first["data"]["nature"] == "Réclamation" and first["data"]["channel"] == "Courriel"
    assert events_seen[1]["data"]["label"] == "Demande close"
    assert "Gertrude" not in body and "g@example.fr" not in body


def test_keepalives_are_sent_now_and_then_not_at_every_poll():
    ticks = iter(range(0, 100, 3))
    bus = FakeBus([Event("", "keepalive", {}) for _ in range(12)])
    body = "".join(stream.event_stream(bus, after_id="0", seconds=30,
                                       clock=lambda: next(ticks)))
    assert 2 <= body.count(": keepalive") <= 4


@pytest.mark.django_db
def test_stream_view_replays_from_last_event_id_and_ends(client, elu, settings, on_commit):
    settings.MDS_EVENT_BUS = "database"
    settings.COCKPIT_STREAM_SECONDS = 1
    events.get_bus.cache_clear()
    try:
        before = LiveEvent.objects.create(kind="ticket.created", payload={"reference": "X-1"})
        after = LiveEvent.objects.create(kind="ticket.resolved", payload={
            "reference": "MDS-2026-000007", "channel": "sms", "status": "resolu"})
        client.force_login(elu)
        started = time.monotonic()
        response = client.get(reverse("cockpit:stream"), HTTP_LAST_EVENT_ID=str(before.pk))
        assert response["Content-Type"].startswith("text/event-stream")
        assert response["Cache-Control"].startswith("no-cache")
        body = b"".join(response.streaming_content).decode()
        assert time.monotonic() - started < 5  # bounded: the browser reconnects
        seen = parse(body)
        assert [e["id"] for e in seen] == [str(after.pk)]
        assert seen[0]["data"]["reference"] == "MDS-2026-000007"
    finally:
        events.get_bus.cache_clear()


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (REDIS_URL)")
@pytest.mark.django_db
def test_stream_over_redis_pushes_what_is_published_meanwhile(client, elu, settings):
    settings.MDS_EVENT_BUS = "redis"
    settings.REDIS_URL = os.environ["REDIS_URL"]
    settings.COCKPIT_STREAM_SECONDS = 2
    events.get_bus.cache_clear()
    try:
        client.force_login(elu)
        response = client.get(reverse("cockpit:stream"))
        bus = events.get_bus()
        assert isinstance(bus, events.RedisBus)

        def publish_soon():
            time.sleep(0.5)
            bus.publish("ticket.created", {"reference": "MDS-2026-000099", "channel": "email"})

        thread = threading.Thread(target=publish_soon)
        thread.start()
        body = b"".join(response.streaming_content).decode()
        thread.join()
        seen = parse(body)
        assert [e["data"]["reference"] for e in seen] == ["MDS-2026-000099"]
    finally:
        events.get_bus.cache_clear()


@pytest.mark.django_db
def test_live_endpoint_counts_a_new_ticket_at_once(client, elu, reference_data, on_commit):
    client.force_login(elu)
    first = client.get(reverse("cockpit:live")).json()
    assert first["figures"]["today"]["value"] == "0"
    with on_commit(execute=True):
        services.receive(channel=Channel.FORMULAIRE, body="Dépôt sauvage", email="a@b.fr",
                         nature=Nature.SIGNALEMENT)
    data = client.get(reverse("cockpit:live")).json()
    assert data["figures"]["today"]["value"] == "1"
    assert data["figures"]["created"]["value"] == "1"
    assert data["figures"]["backlog"]["value"] == "1"
    assert data["activity"][0]["label"] == "Nouvelle demande"
    assert "a@b.fr" not in json.dumps(data)
