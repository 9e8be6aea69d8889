"""Fixtures for the CRM tests: usagers with tickets, consents and contacts across channels."""

from __future__ import annotations

import pytest
from django.utils import timezone

from crm import services as crm_services
from crm.models import ConsentChannel, Purpose
from guichet import services as guichet_services
from guichet.models import Channel
from maison.models import Commune, Street, Theme


@pytest.fixture
def deauville(reference_data):
    return Commune.objects.get(slug="deauville")


@pytest.fixture
def trouville(reference_data):
    return Commune.objects.get(name="Trouville-sur-Mer")


@pytest.fixture
def a_street(deauville):
    return Street.objects.filter(commune=deauville).select_related("zone").first()


@pytest.fixture
def make_usager(reference_data):
    """make_usager(email=..., phone=..., first_name=..., last_name=..., commune=..., ...)"""

    def _make(*, email=None, phone=None, first_name="Marie", last_name="Dupont", commune=None,
              address="", category="permanent", street=None):
        usager = crm_services.identify_usager(
            email=email, phone=phone, first_name=first_name, last_name=last_name,
            commune=commune, address=address, category=category, street=street).usager
        return usager

    return _make


@pytest.fixture
def make_ticket(reference_data):
    """make_ticket(usager=..., theme_code=..., channel=..., body=...) through the real funnel."""

    def _make(*, usager=None, email=None, theme_code="collecte", channel=Channel.EMAIL,
              subject="Bac non vidé", body="Bonjour, mon bac n’a pas été vidé ce matin.",
              received_at=None, attachments=(), commune=None):
        reception = guichet_services.receive(
            channel=channel, body=body, subject=subject, usager=usager, email=email,
            theme=Theme.objects.get(code=theme_code) if theme_code else None,
            force_new_ticket=True, received_at=received_at or timezone.now(),
            attachments=attachments, commune=commune, acknowledge=False)
        return reception.ticket

    return _make


@pytest.fixture
def opt_in():
    def _opt_in(usager, purpose=Purpose.CAMPAGNES, channel=ConsentChannel.EMAIL, given=True,
                at=None):
        return crm_services.record_consent(usager=usager, purpose=purpose, channel=channel,
                                           given=given, source="formulaire",
                                           text=crm_services.current_consent_text(purpose),
                                           at=at)

    return _opt_in
