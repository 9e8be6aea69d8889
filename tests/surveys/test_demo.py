"""Demo data: realistic figures, idempotent, and consistent with the house's rules."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from crm.models import Usager
from guichet.models import Channel, Ticket
from maison.demo import Seeded, seeded_with, silent_progress
from maison.models import Theme
from surveys import demo, selectors
from surveys.models import Answer, FollowUp, Survey

pytestmark = pytest.mark.usefixtures("reference_data")


@pytest.fixture
def closed_tickets():
    now = timezone.now()
    theme = Theme.objects.first()
    usagers = Usager.objects.bulk_create([Usager(first_name=f"U{i}") for i in range(50)])
    return Ticket.objects.bulk_create([
        Ticket(channel=Channel.EMAIL if i % 3 else Channel.TELEPHONE, subject="Demande",
               reference=f"MDS-2026-{i:06d}", created_at=now - timedelta(days=40 + i % 200),
               status="clos", resolved_at=now - timedelta(days=30 + i % 200),
               closed_at=now - timedelta(days=30 + i % 200),
               close_reason="spam" if i % 97 == 0 else "traite", theme=theme,
               usager=usagers[i % 50] if i % 40 else None)
        for i in range(3000)])


@pytest.mark.django_db(transaction=True)  # reset() TRUNCATEs, as seed_demo --reset does
def test_demo_surveys_look_like_the_real_thing(closed_tickets):
    with seeded_with(3):
        result = demo.seed(tickets=3000, progress=silent_progress)
    assert isinstance(result, Seeded)
    assert Survey.objects.count() == 3000
    assert Survey.objects.filter(ticket__close_reason="spam").exclude(skip_reason="spam") \
        .count() == 0
    now = timezone.now()
    figures = selectors.overall(start=now - timedelta(days=400), end=now)
    assert 78 <= figures.csat <= 87
    assert 0.15 <= Answer.objects.count() / 3000 <= 0.30
    assert Answer.objects.exclude(comment="").exists()
    assert FollowUp.objects.filter(survey__answer__rating__gt=2).count() == 0
    assert FollowUp.objects.count() == Answer.objects.filter(rating__lte=2).count()
    again = demo.seed(tickets=3000, progress=silent_progress)
    assert again.notes and Survey.objects.count() == 3000
    demo.reset()
    assert not Survey.objects.exists()


def test_the_demo_sending_clock_gives_the_window_s_due_moments():
    import random

    from surveys import window

    rng = random.Random(11)
    clock = demo.SendingClock()
    origin = timezone.now() - timedelta(days=400)
    moments = [origin + timedelta(seconds=rng.uniform(0, 420 * 86400)) for _ in range(3000)]
    # On the hour and the minute around the window's edges (the 2-hour delay included).
    moments += [moment.replace(minute=0, second=0, microsecond=0) for moment in moments[:500]]
    for moment in moments:
        assert clock.due_at_for(moment) == window.due_at_for(moment), moment
