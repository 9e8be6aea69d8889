"""Sophie's rate limit: per client, at most N messages in a window, counted atomically.

DRF's own throttles keep the timestamp of every request of the window in one cache entry, read
and written back on each request: its cost grows with the rate, two concurrent requests can
both pass on the same count, and the cache holds the client's address in clear. Here one
counter per client and window: with Redis one round trip (a script Redis runs atomically),
elsewhere Django's cache (add, then incr). The address is hashed, and only our own trusted
proxies' X-Forwarded-For is believed (MDS_TRUSTED_PROXY_COUNT).
"""

from __future__ import annotations

import hashlib
import threading
import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import ScopedRateThrottle

from maison.http import client_address

POLL_RATE = "120/min"
OFF = ("", "off", "none", "0")
KEY_PREFIX = "mds:chatbot:rate"
# The window starts at the client's first request; (count so far, seconds left) comes back.
COUNT_SCRIPT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('TTL', KEYS[1])}
"""
_scripts: dict[str, object] = {}
_scripts_lock = threading.Lock()


def _redis_url() -> str | None:
    """The default cache's Redis, when it is one (the counters live next to the cache)."""
    config = settings.CACHES.get("default", {})
    if not config.get("BACKEND", "").endswith(".RedisCache"):
        return None
    location = config.get("LOCATION")
    return location[0] if isinstance(location, list | tuple) else location


def _redis(url: str):
    return _counter(url).registered_client


def _counter(url: str):
    """One client and script per process and URL: redis-py's pool is thread-safe and
    fork-aware; the script is sent by its hash (EVALSHA), loaded again if Redis forgot it."""
    script = _scripts.get(url)
    if script is None:
        import redis

        with _scripts_lock:
            script = _scripts.get(url) or redis.Redis.from_url(url).register_script(
                COUNT_SCRIPT)
            _scripts[url] = script
    return script


def hit(key: str, seconds: int) -> tuple[int, float]:
    """Count one request in the window starting at the client's first one:
    (requests so far in the window, seconds until it ends)."""
    url = _redis_url()
    if url:
        count, ttl = _counter(url)(keys=[f"{KEY_PREFIX}:{key}"], args=[seconds])
        return int(count), float(max(ttl, 1))
    now = time.time()
    cache.add(f"{key}:start", now, timeout=seconds)
    if cache.add(key, 1, timeout=seconds):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr: a new window
            cache.set(key, 1, timeout=seconds)
            count = 1
    started = cache.get(f"{key}:start", now)
    return count, max(started + seconds - now, 1.0)


class ChatbotThrottle(ScopedRateThrottle):
    """Per client (IP); the view's `throttle_scope` names the rate; "off" disables it."""

    scope_attr = "throttle_scope"

    def get_rate(self):
        rate = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get(self.scope)
        if self.scope == "chatbot_poll" and rate is None:
            rate = POLL_RATE
        if rate is None or str(rate).strip().lower() in OFF:
            return None
        return rate

    def allow_request(self, request, view):
        self.scope = getattr(view, self.scope_attr, None)
        rate = self.get_rate() if self.scope else None
        if rate is None:
            return True
        limit, seconds = self.parse_rate(rate)
        # Hashed: the cache never holds a resident's address in clear.
        digest = hashlib.sha256(f"{settings.SECRET_KEY}:{client_address(request)}".encode())
        count, self.remaining = hit(f"{self.scope}:{digest.hexdigest()[:32]}", seconds)
        return count <= limit

    def wait(self):
        return self.remaining
