"""Sophie's rate limit: per client, atomic, French, addresses never stored in clear."""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from chatbot import throttling

pytestmark = pytest.mark.django_db

URL = "/api/v1/chatbot/messages"
needs_redis = pytest.mark.skipif(not throttling._redis_url(), reason="REDIS_URL not set")


@pytest.fixture
def five_a_minute(settings, sophie):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "chatbot": "5/min"}}


def post(client, **extra):
    return client.post(URL, {"text": "bonjour"}, content_type="application/json", **extra)


def test_the_wait_is_counted_from_the_first_message_and_said_in_french(client, five_a_minute):
    assert [post(client).status_code for _ in range(5)] == [200] * 5
    refused = post(client)
    assert refused.status_code == 429
    wait = int(re.search(r"dans (\d+) seconde", refused.json()["detail"]).group(1))
    assert 55 <= wait <= 60
    assert refused["Retry-After"] == str(wait)


def test_a_forged_forwarded_for_does_not_escape_the_limit(client, five_a_minute):
    codes = [post(client, HTTP_X_FORWARDED_FOR=f"10.1.1.{n}").status_code for n in range(7)]
    assert codes == [200] * 5 + [429] * 2


def test_behind_our_own_proxy_each_resident_has_their_own_count(client, five_a_minute,
                                                               settings):
    settings.MDS_TRUSTED_PROXY_COUNT = 1
    codes = [post(client, HTTP_X_FORWARDED_FOR=f"10.1.1.{n % 2}").status_code
             for n in range(12)]
    assert codes == [200] * 10 + [429] * 2


def test_off_disables_it(client, sophie):
    assert {post(client).status_code for _ in range(40)} == {200}


@needs_redis
def test_concurrent_requests_are_all_counted(sophie):
    with ThreadPoolExecutor(max_workers=8) as pool:
        counts = list(pool.map(lambda _n: throttling.hit("test:concurrent", 60)[0], range(200)))
    assert sorted(counts) == list(range(1, 201))


@needs_redis
def test_the_address_is_never_stored_in_clear(client, five_a_minute):
    post(client, REMOTE_ADDR="192.0.2.77")
    redis = throttling._redis(throttling._redis_url())
    keys = [key.decode() for key in redis.keys(f"{throttling.KEY_PREFIX}:*")]
    assert keys and not any("192.0.2.77" in key for key in keys)


def test_without_redis_the_cache_counts(client, five_a_minute, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "chatbot-throttle-test"}}
    from django.core.cache import caches

    caches["default"].clear()
    try:
        codes = [post(client).status_code for _ in range(7)]
        assert codes == [200] * 5 + [429] * 2
        assert throttling.hit("test:fallback", 60) == (1, pytest.approx(60, abs=1))
    finally:
        caches["default"].clear()
