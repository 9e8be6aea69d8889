"""Live events for the cockpit feed: published after commit, never carrying personal data.

Two buses behind one interface: Redis pub/sub in production (MDS_EVENT_BUS=redis) and a
database table that works on the embedded default. Subscribers (the cockpit's Server-Sent
Events stream) read with `listen(after_id)`; they never import the bus they use.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from django.conf import settings
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)
CHANNEL = "mds:events"


@dataclass(frozen=True)
class Event:
    id: str
    kind: str
    payload: dict


def publish(kind: str, payload: dict) -> None:
    """Publish once the current transaction commits (immediately outside one)."""
    transaction.on_commit(lambda: _deliver(kind, payload))


def _deliver(kind: str, payload: dict) -> None:
    try:
        get_bus().publish(kind, payload)
    except Exception:  # a dashboard refresh must never break a resident's request
        logger.exception("live event %s not published", kind)


class DatabaseBus:
    poll_interval = 0.5

    def publish(self, kind: str, payload: dict) -> None:
        from .models import LiveEvent

        LiveEvent.objects.create(kind=kind, payload=payload)

    def last_id(self) -> str:
        from .models import LiveEvent

        last = LiveEvent.objects.order_by("-id").values_list("id", flat=True).first()
        return str(last or 0)

    def listen(self, after_id: str, timeout: float) -> Iterator[Event]:
        from .models import LiveEvent

        deadline = time.monotonic() + timeout
        cursor = int(after_id or 0)
        while time.monotonic() < deadline:
            rows = list(LiveEvent.objects.filter(id__gt=cursor).order_by("id")[:100])
            for row in rows:
                cursor = row.id
                yield Event(str(row.id), row.kind, row.payload)
            if not rows:
                time.sleep(self.poll_interval)
                yield Event("", "keepalive", {})

    def prune(self, older_than: timedelta = timedelta(days=1)) -> int:
        from .models import LiveEvent

        deleted, _ = LiveEvent.objects.filter(created_at__lt=timezone.now() - older_than).delete()
        return deleted


class RedisBus:
    def __init__(self, url: str):
        import redis

        self.client = redis.Redis.from_url(url)
        # Pub/sub channels ignore the database number: name them after it, so that two
        # deployments (or parallel test processes) on one Redis never hear each other.
        database = self.client.connection_pool.connection_kwargs.get("db", 0)
        self.channel = f"{CHANNEL}:{database}"
        self._counter_key = f"{CHANNEL}:seq"

    def publish(self, kind: str, payload: dict) -> None:
        event_id = self.client.incr(self._counter_key)
        message = {"id": event_id, "kind": kind, "payload": payload}
        self.client.publish(self.channel, json.dumps(message))

    def last_id(self) -> str:
        return str(int(self.client.get(self._counter_key) or 0))

    def listen(self, after_id: str, timeout: float) -> Iterator[Event]:
        pubsub = self.client.pubsub(ignore_subscribe_messages=True)
        pubsub.subscribe(self.channel)
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                message = pubsub.get_message(timeout=1.0)
                if message is None:
                    yield Event("", "keepalive", {})
                    continue
                data = json.loads(message["data"])
                yield Event(str(data["id"]), data["kind"], data["payload"])
        finally:
            pubsub.close()

    def prune(self, older_than: timedelta = timedelta(days=1)) -> int:
        return 0


@lru_cache(maxsize=1)
def get_bus() -> DatabaseBus | RedisBus:
    if settings.MDS_EVENT_BUS == "redis" and settings.REDIS_URL:
        return RedisBus(settings.REDIS_URL)
    return DatabaseBus()
