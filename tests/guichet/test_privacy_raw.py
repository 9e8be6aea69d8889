"""Erasure reaches what a resident sent even when it was never filed on a ticket."""

import pytest
from django.utils import timezone

from crm import services as crm_services
from crm.services import rgpd
from guichet import services
from guichet.models import AgentNotice, Channel, RawInbound

pytestmark = pytest.mark.usefixtures("reference_data")


def test_unfiled_raw_inputs_and_agent_notices_are_erased(superviseur):
    reception = services.receive(channel=Channel.SMS, body="Je suis Paul Roux, 3 rue des Bains",
                                 phone="06 11 22 33 44")
    usager = reception.usager
    crm_services.identify_usager(email="Paul.Roux@example.fr", phone="0611223344")
    failed_sms = RawInbound.objects.create(
        channel=Channel.SMS, state=RawInbound.State.FAILED, error="boom",
        payload={"From": "+33611223344", "Body": "Paul Roux, rappelez-moi"})
    ignored_email = RawInbound.objects.create(
        channel=Channel.EMAIL, state=RawInbound.State.IGNORED,
        payload={"envelope_sender": "PAUL.ROUX@example.fr", "stripped_text": "Absent"})
    someone_else = RawInbound.objects.create(
        channel=Channel.SMS, state=RawInbound.State.FAILED, payload={"From": "+33699999999"})
    AgentNotice.objects.create(user=superviseur, ticket=reception.ticket, kind="bounced",
                               text="Envoi impossible à Paul Roux", created_at=timezone.now())

    counts = rgpd.erase_usager(usager=usager, by=superviseur)

    assert counts["guichet.unfiled_raw_inbounds"] == 2
    for raw in (failed_sms, ignored_email):
        raw.refresh_from_db()
        assert raw.payload == {"anonymised": True} and raw.error == ""
    someone_else.refresh_from_db()
    assert someone_else.payload == {"From": "+33699999999"}
    assert "Paul" not in AgentNotice.objects.get().text
