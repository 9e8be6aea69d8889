"""Keeping robots out of public forms without a captcha that shuts people out.

Three cheap checks: a honeypot field people never see, a signed timestamp (a form filled in
under a few seconds was not filled by a person; a very old one is refused too), and a rate
limit per client address in Django's cache (shared by every web process).
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache

from maison.http import client_address

STAMP_SALT = "guichet.public-form.stamp"
HONEYPOT_FIELD = "site_web"
STAMP_FIELD = "horodatage"


def issue_stamp() -> str:
    return signing.dumps(int(time.time()), salt=STAMP_SALT)


def stamp_problem(value: str, *, now: float | None = None) -> str | None:
    """None when the timestamp is plausible; else "missing", "too_fast" or "expired"."""
    if not value:
        return "missing"
    try:
        issued = int(signing.loads(value, salt=STAMP_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return "missing"
    elapsed = (now or time.time()) - issued
    if elapsed < settings.MDS_FORM_MIN_SECONDS:
        return "too_fast"
    if elapsed > settings.MDS_FORM_MAX_AGE_SECONDS:
        return "expired"
    return None


def honeypot_filled(data) -> bool:
    return bool((data.get(HONEYPOT_FIELD) or "").strip())


def _key(scope: str, request) -> str:
    # Hashed: the cache never holds a resident's address in clear.
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{client_address(request)}".encode())
    return f"guichet:rate:{scope}:{digest.hexdigest()[:32]}"


def _limits() -> tuple[int, int]:
    count, _, seconds = settings.MDS_FORM_RATE_LIMIT.partition("/")
    return int(count), int(seconds or 600)


def is_rate_limited(request, scope: str) -> bool:
    count, _seconds = _limits()
    return int(cache.get(_key(scope, request), 0)) >= count


def count_attempt(request, scope: str) -> None:
    _count, seconds = _limits()
    key = _key(scope, request)
    if not cache.add(key, 1, timeout=seconds):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=seconds)
