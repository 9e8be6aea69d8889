import pytest
from django.core.exceptions import ValidationError

from crm import services
from crm.models import ContactPoint, Usager


@pytest.mark.parametrize("raw", ["06 12 34 56 78", "+33612345678", "0033 6 12 34 56 78",
                                 "06.12.34.56.78", "+33 (0)6 12 34 56 78"])
def test_french_phone_numbers_are_one_e164_number(raw):
    assert services.normalize_phone(raw) == "+33612345678"


@pytest.mark.parametrize("raw", ["12", "06 12", "abc", "", "+33 1 23"])
def test_malformed_phone_gets_a_french_message(raw):
    with pytest.raises(ValidationError) as error:
        services.normalize_phone(raw)
    assert "n’est pas valide" in error.value.messages[0]


def test_mobile_and_landline_are_told_apart():
    assert services.parse_phone("06 12 34 56 78").is_mobile
    assert not services.parse_phone("02 31 88 00 00").is_mobile


def test_emails_are_normalised():
    assert services.normalize_email("  Marie.Dupont@Example.FR ") == "marie.dupont@example.fr"
    with pytest.raises(ValidationError):
        services.normalize_email("marie.dupont@")


def test_identify_creates_then_finds_by_any_contact_point(db):
    first = services.identify_usager(email="Marie@Example.fr", phone="06 12 34 56 78",
                                     first_name="Marie", last_name="Dupont")
    assert first.created
    by_phone = services.identify_usager(phone="+33612345678")
    by_email = services.identify_usager(email="marie@example.fr ")
    assert not by_phone.created and not by_email.created
    assert by_phone.usager == by_email.usager == first.usager
    assert Usager.objects.count() == 1
    assert ContactPoint.objects.filter(usager=first.usager).count() == 2


def test_identify_fills_missing_details_but_never_overwrites(db):
    usager = services.identify_usager(email="a@example.fr", last_name="Martin").usager
    services.identify_usager(email="a@example.fr", first_name="Paul", last_name="Durand")
    usager.refresh_from_db()
    assert (usager.first_name, usager.last_name) == ("Paul", "Martin")


def test_identify_follows_merges(db):
    kept = services.identify_usager(email="kept@example.fr").usager
    merged = services.identify_usager(email="old@example.fr").usager
    merged.merged_into = kept
    merged.save()
    assert services.identify_usager(email="old@example.fr").usager == kept


def test_anonymous_contact_creates_nobody(db):
    assert services.identify_usager().usager is None
    assert Usager.objects.count() == 0


def test_consent_defaults_to_no_and_latest_decision_wins(db):
    from crm import selectors
    from crm.models import ConsentChannel, Purpose

    usager = services.identify_usager(email="c@example.fr").usager
    assert not selectors.has_consent(usager, purpose=Purpose.ENQUETES,
                                     channel=ConsentChannel.EMAIL)
    services.record_consent(usager=usager, purpose=Purpose.ENQUETES,
                            channel=ConsentChannel.EMAIL, given=True, source="formulaire")
    assert selectors.has_consent(usager, purpose=Purpose.ENQUETES, channel=ConsentChannel.EMAIL)
    services.record_consent(usager=usager, purpose=Purpose.ENQUETES,
                            channel=ConsentChannel.EMAIL, given=False, source="lien")
    assert not selectors.has_consent(usager, purpose=Purpose.ENQUETES,
                                     channel=ConsentChannel.EMAIL)
    assert list(selectors.usagers_with_consent(purpose=Purpose.ENQUETES,
                                               channel=ConsentChannel.EMAIL)) == []
