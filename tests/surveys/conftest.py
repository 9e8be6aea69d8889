"""Fixtures for the surveys tests: resolved tickets with a usager, at chosen moments."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from crm import services as crm_services
from guichet import services as guichet_services
from guichet.models import Channel, Status, Ticket
from maison.calendar import local_tz
from surveys import dispatch, planning, tokens
from surveys.models import Survey

pytestmark = pytest.mark.usefixtures("reference_data")

# A Tuesday in term time, inside the sending window (9:00–19:00).
TUESDAY_10H = datetime(2026, 3, 10, 10, 0, tzinfo=local_tz())


def paris(year, month, day, hour=10, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=local_tz())


@pytest.fixture
def make_ticket(reference_data, agent):
    """make_ticket(email=..., phone=..., channel=..., resolved_at=..., close_reason=...)"""

    counter = {"n": 0}

    def _make(*, email: str | None = "usager{n}@example.fr", phone: str | None = None,
              channel: str = Channel.EMAIL, resolved_at: datetime = TUESDAY_10H,
              status: str = Status.RESOLU, close_reason: str = "", theme=None, usager=None):
        counter["n"] += 1
        email = email.format(n=counter["n"]) if email else None
        reception = guichet_services.receive(
            channel=channel, body="Mon bac n’a pas été collecté", subject="Bac oublié",
            email=email, phone=phone, usager=usager, theme=theme, force_new_ticket=True,
            received_at=resolved_at - timezone.timedelta(hours=3))
        ticket = reception.ticket
        guichet_services.assign(ticket=ticket, assignee=agent, actor=agent)
        guichet_services.change_status(ticket=ticket, status=status, actor=agent,
                                       close_reason=close_reason)
        Ticket.objects.filter(pk=ticket.pk).update(
            resolved_at=resolved_at, closed_at=resolved_at if status == Status.CLOS else None)
        ticket.refresh_from_db()
        return ticket

    return _make


@pytest.fixture
def refuse_surveys():
    def _refuse(usager, channel="email"):
        crm_services.record_consent(usager=usager, purpose="enquetes", channel=channel,
                                    given=False, source="accueil")

    return _refuse


@pytest.fixture
def sent_survey(make_ticket):
    """A survey sent just now (real time), and its answer token."""

    def _make(**kwargs):
        now = timezone.now()
        ticket = make_ticket(resolved_at=now - timedelta(minutes=1), **kwargs)
        planning.plan_surveys(now=now)
        # Planned for two hours after the resolution, or for the next morning when that falls
        # after the sending window: brought forward so that it leaves now, whatever the hour
        # the tests run at (when it is due is test_scheduling's business).
        Survey.objects.filter(ticket=ticket).update(due_at=now)
        dispatch.dispatch_due(now=now, respect_window=False)
        survey = Survey.objects.get(ticket=ticket)
        assert survey.status == Survey.Status.SENT
        return survey, tokens.make_token(survey.ticket_id, survey.token_nonce)

    return _make


