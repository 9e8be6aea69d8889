"""The cockpit in headless Chromium on a phone: accessible, light, and live (< 2 s)."""

from __future__ import annotations

import os
import time

import pytest

from cockpit import rollups
from guichet import services
from guichet.models import Channel, Nature, Status
from tests.browser import audit, format_violations

from .conftest import seed_tickets

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data")]

MAX_PAGE_BYTES = 300 * 1024


BUSES = ["database", pytest.param("redis", marks=pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="needs Redis (REDIS_URL)"))]


@pytest.fixture(params=BUSES)
def fast_bus(request, settings):
    """Each event bus (the database on the embedded default, Redis in production), with
    short streams so that reconnection is exercised."""
    from maison import events

    settings.MDS_EVENT_BUS = request.param
    settings.COCKPIT_STREAM_SECONDS = 2
    events.get_bus.cache_clear()
    yield
    events.get_bus.cache_clear()


@pytest.fixture
def page(phone_page, settings):
    """The phone page, leaving no stream open behind the test (streams end by themselves
    after COCKPIT_STREAM_SECONDS; wait for that before the test database goes away)."""
    yield phone_page
    phone_page.goto("about:blank")
    phone_page.wait_for_timeout(settings.COCKPIT_STREAM_SECONDS * 1000 + 700)


def figure_value(page, key: str) -> str:
    return page.locator(f'[data-live="{key}"] [data-live-value]').inner_text()


def test_phone_dashboard_is_accessible_light_and_updates_live(live_server, page, login, elu,
                                                              fast_bus):
    seed_tickets(120, seed=2)
    rollups.catch_up()
    transferred = {}

    def count(response):
        if "text/event-stream" in (response.headers.get("content-type") or ""):
            return  # the stream never "finishes": it is not part of the page's weight
        try:
            sizes = response.request.sizes()
            transferred[response.url] = sizes["responseBodySize"] + sizes["responseHeadersSize"]
        except Exception:  # a response still streaming when the page closes
            transferred[response.url] = len(response.body())

    login(page, elu)
    page.on("response", count)
    page.goto(f"{live_server.url}/cockpit/")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Tableau de bord du guichet"
    total = sum(transferred.values())
    print(f"main view: {total} bytes transferred in {len(transferred)} responses")
    assert total < MAX_PAGE_BYTES, (total, transferred)
    assert not any("cdn" in url or not url.startswith(live_server.url) for url in transferred)
    # Readable at 360 px: nothing wider than the screen.
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= 360

    violations = audit(page)
    assert not violations, format_violations(violations)

    before_today = figure_value(page, "today")
    before_backlog = figure_value(page, "backlog")
    page.wait_for_timeout(800)  # the stream is open
    started = time.monotonic()
    ticket = services.receive(channel=Channel.SMS, body="Conteneur à verre plein",
                              phone="0611223344", nature=Nature.SIGNALEMENT).ticket
    page.wait_for_function(
        """([before]) => document.querySelector('[data-live="today"] [data-live-value]')
                        .textContent.trim() !== before""", arg=[before_today], timeout=2000)
    print(f"new ticket shown after {time.monotonic() - started:.2f} s")
    assert time.monotonic() - started < 2
    assert int(figure_value(page, "today")) == int(before_today) + 1
    assert int(figure_value(page, "backlog")) == int(before_backlog) + 1
    page.wait_for_function(
        """([reference]) => document.querySelector('[data-feed] li').textContent
                            .includes(reference)""", arg=[ticket.reference], timeout=2000)
    print(f"feed line shown after {time.monotonic() - started:.2f} s")
    assert time.monotonic() - started < 2
    assert page.locator("[data-feed]").get_attribute("aria-live") == "polite"

    started = time.monotonic()
    services.change_status(ticket=ticket, status=Status.CLOS)
    page.wait_for_function(
        """([before]) => document.querySelector('[data-live="backlog"] [data-live-value]')
                        .textContent.trim() === before""", arg=[before_backlog], timeout=2000)
    print(f"closure shown after {time.monotonic() - started:.2f} s")
    assert time.monotonic() - started < 2
    page.wait_for_function(
        "document.querySelector('[data-feed] li').textContent.includes('Demande close')",
        timeout=2000)
    assert time.monotonic() - started < 2

    violations = audit(page)
    assert not violations, format_violations(violations)


def test_stream_reconnects_with_last_event_id(live_server, page, login, elu, fast_bus,
                                              settings):
    settings.COCKPIT_STREAM_SECONDS = 1
    login(page, elu)
    stream_requests = []
    page.on("request", lambda request: stream_requests.append(request)
                  if "/cockpit/flux/" in request.url else None)
    page.goto(f"{live_server.url}/cockpit/")
    page.wait_for_timeout(600)  # the first stream is open
    services.open_ticket(channel=Channel.EMAIL, subject="Première")
    page.wait_for_function(
        "document.querySelectorAll('[data-feed] li:not([data-feed-empty])').length >= 1",
        timeout=3000)
    page.wait_for_timeout(3500)  # the stream ended and the browser came back
    assert len(stream_requests) >= 2
    assert any(request.all_headers().get("last-event-id") for request in stream_requests[1:])


def test_lookup_and_report_pages_are_accessible(live_server, page, login, superviseur,
                                                fast_bus):
    ticket = services.open_ticket(channel=Channel.ACCUEIL, subject="Badge déchèterie")
    login(page, superviseur)
    page.goto(f"{live_server.url}/cockpit/")
    page.fill("#ck-reference", ticket.reference.lower().replace("-", " "))
    page.click("form.ck-lookup button[type=submit]")
    page.wait_for_load_state()
    assert ticket.reference in page.locator("h2").first.inner_text()
    assert page.locator("a", has_text="Ouvrir la demande dans le guichet").count() == 1
    violations = audit(page)
    assert not violations, format_violations(violations)
    page.goto(f"{live_server.url}/cockpit/rapport/?periode=12m")
    violations = audit(page)
    assert not violations, format_violations(violations)
    page.emulate_media(media="print")
    assert not page.locator("[data-print]").is_visible()
