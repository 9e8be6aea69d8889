"""Seeded tickets for the cockpit's tests: varied communes, themes, channels, natures,
categories, statuses and response/resolution times, spread over two years."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from crm.models import Category, Usager
from guichet import services
from guichet.models import Channel, CloseReason, Nature, Status, Ticket
from maison.models import Commune, SubTheme


def seed_tickets(count: int, *, seed: int = 7, days: int = 730) -> list[Ticket]:
    """Tickets opened through the funnel's `open_ticket`, then moved along their workflow
    with realistic timestamps (set directly: the cockpit only reads them)."""
    rng = random.Random(seed)
    communes = list(Commune.objects.all())
    subthemes = list(SubTheme.objects.select_related("theme"))
    usagers = [Usager.objects.create(first_name=f"Prénom{i}", last_name=f"Nom{i}",
                                     category=category)
               for i, category in enumerate(Category.values)]
    now = timezone.now()
    tickets = []
    for index in range(count):
        received = now - timedelta(days=rng.uniform(0, days), hours=rng.uniform(0, 5))
        subtheme = rng.choice(subthemes + [None])
        usager = rng.choice(usagers + [None])
        ticket = services.open_ticket(
            channel=rng.choice(Channel.values), subject=f"Demande {index}",
            nature=rng.choice(Nature.values), usager=usager,
            theme=subtheme.theme if subtheme else None, subtheme=subtheme,
            commune=rng.choice(communes + [None]), received_at=received)
        tickets.append(ticket)
        _advance(ticket, rng, now)
    return tickets


def _advance(ticket: Ticket, rng: random.Random, now) -> None:
    fate = rng.random()
    changes = {}
    span = (now - ticket.created_at).total_seconds()
    if fate < 0.85:
        changes["first_response_at"] = ticket.created_at + timedelta(
            seconds=min(span, rng.expovariate(1 / 40000)))
    if fate < 0.65:
        done = ticket.created_at + timedelta(seconds=min(span, rng.expovariate(1 / 400000)))
        changes.update(status=rng.choice([Status.RESOLU, Status.CLOS]), resolved_at=done)
        if changes["status"] == Status.CLOS:
            changes["closed_at"] = done + timedelta(hours=rng.uniform(0, 48))
            changes["close_reason"] = rng.choices(
                [CloseReason.TRAITE, CloseReason.SPAM, CloseReason.DOUBLON,
                 CloseReason.HORS_COMPETENCE], weights=[85, 5, 5, 5])[0]
    elif fate < 0.85:
        changes["status"] = rng.choice([Status.EN_COURS, Status.EN_ATTENTE])
    if changes:
        Ticket.objects.filter(pk=ticket.pk).update(updated_at=now, **changes)


@pytest.fixture
def seeded(reference_data):
    return seed_tickets(400)
