"""Answered surveys in bulk for results tests (guichet rows written directly: test data only)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from guichet.models import Channel, Ticket
from maison.models import Commune, Theme
from surveys.models import Answer, Survey


def answered_surveys(count: int, *, sent_at: datetime, seed: int = 7, agents=()) -> list[Survey]:
    """`count` sent surveys on random themes/communes/channels, about 70 % answered."""
    rng = random.Random(seed)
    themes = list(Theme.objects.all())
    communes = list(Commune.objects.all())
    channels = [Channel.EMAIL, Channel.TELEPHONE, Channel.FORMULAIRE, Channel.ACCUEIL]
    tickets = Ticket.objects.bulk_create([
        Ticket(channel=rng.choice(channels), subject="Test", created_at=sent_at,
               status="clos", closed_at=sent_at, resolved_at=sent_at, close_reason="traite")
        for _ in range(count)])
    surveys = Survey.objects.bulk_create([
        Survey(ticket=ticket, ticket_reference=f"T-{ticket.pk}", theme=rng.choice(themes),
               commune=rng.choice(communes + [None]), ticket_channel=ticket.channel,
               agent=rng.choice(list(agents)) if agents else None, resolved_at=sent_at,
               channel="email", status=Survey.Status.SENT, due_at=sent_at, sent_at=sent_at,
               expires_at=sent_at + timedelta(days=14))
        for ticket in tickets])
    answers = []
    for survey in surveys:
        if rng.random() < 0.7:
            answers.append(Answer(
                survey=survey, rating=rng.choice([None, 1, 2, 3, 4, 5, 5, 4]),
                resolution=rng.choice(["", "first_contact", "later", "unresolved"]),
                comment=rng.choice(["", "Attente trop longue au téléphone.",
                                    "Très bon accueil, merci !", "Le badge de déchèterie "
                                    "n’est jamais arrivé, attente interminable."]),
                answered_at=sent_at + timedelta(hours=1)))
    Answer.objects.bulk_create(answers)
    Survey.objects.filter(answer__isnull=False).update(status=Survey.Status.ANSWERED)
    return surveys
