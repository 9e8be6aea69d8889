"""Short-lived in-process caches for reference data read on every request (SLA policies,
queues, sub-themes): an admin's change applies within `ttl` seconds in every process.

Built on cachetools; every cache made here is registered so that `clear_all()` (tests, or
after loading reference data) empties them at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from cachetools import TTLCache, cached

_caches: list[TTLCache] = []


def ttl_cached(*, ttl: float = 60.0, maxsize: int = 256) -> Callable:
    """Memoise a function of hashable arguments for `ttl` seconds (thread-safe)."""
    cache: TTLCache = TTLCache(maxsize=maxsize, ttl=ttl)
    _caches.append(cache)
    return cached(cache, lock=threading.Lock())


def clear_all() -> None:
    for cache in _caches:
        cache.clear()
