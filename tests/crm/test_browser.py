"""The 360° page and the public preference page in headless Chromium, on a phone, with axe."""

from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from crm import services as crm_services
from crm.models import ConsentChannel, Purpose
from crm.selectors import has_consent
from tests.browser import audit, format_violations

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data")]


@pytest.fixture
def marie(make_usager, make_ticket, deauville, a_street, opt_in, agent):
    usager = make_usager(email="marie.dupont@example.fr", phone="06 12 34 56 78",
                         commune=deauville, address=f"12 {a_street.name}", street=a_street)
    make_ticket(usager=usager, subject="Bac non vidé")
    make_ticket(usager=usager, subject="Encombrants", channel="telephone")
    opt_in(usager, Purpose.CAMPAGNES, ConsentChannel.EMAIL)
    crm_services.record_consent(usager=usager, purpose=Purpose.ENQUETES,
                                channel=ConsentChannel.SMS, given=True, source="accueil",
                                text=crm_services.current_consent_text(Purpose.ENQUETES),
                                recorded_by=agent)
    return usager


def test_the_360_page_on_a_phone(live_server, phone_page, login, superviseur, marie):
    login(phone_page, superviseur)
    phone_page.goto(f"{live_server.url}/usagers/{marie.pk}/")

    assert phone_page.locator("h1").inner_text() == "Marie Dupont"
    assert phone_page.get_by_text("Demandes cette année").is_visible()
    phone_page.locator("details.crm-proof summary").first.click()
    expect(phone_page.locator("details.crm-proof[open] blockquote").first).to_be_visible()
    violations = audit(phone_page)
    assert not violations, format_violations(violations)

    # Filter the timeline to phone contacts, by keyboard-operable checkboxes.
    phone_page.get_by_label("Téléphone", exact=True).check()
    phone_page.get_by_role("button", name="Filtrer").click()
    items = phone_page.locator(".crm-timeline > li")
    assert items.count() >= 1
    assert all("Téléphone" in items.nth(i).inner_text() for i in range(items.count()))
    violations = audit(phone_page)
    assert not violations, format_violations(violations)


def test_the_public_preference_page_on_a_phone(live_server, phone_page, marie):
    path = urlparse(crm_services.preferences_url(marie)).path
    phone_page.goto(f"{live_server.url}{path}")

    assert phone_page.locator("h1").inner_text() == "Vos choix de contact"
    violations = audit(phone_page)
    assert not violations, format_violations(violations)

    phone_page.locator("#campagnes__email").uncheck()
    phone_page.locator("#information__sms").check()
    phone_page.get_by_role("button", name="Enregistrer mes choix").click()

    assert "Vos choix sont enregistrés" in phone_page.locator("[role=status]").inner_text()
    assert not has_consent(marie, purpose=Purpose.CAMPAGNES, channel=ConsentChannel.EMAIL)
    assert has_consent(marie, purpose=Purpose.INFORMATION, channel=ConsentChannel.SMS)
    violations = audit(phone_page)
    assert not violations, format_violations(violations)


def test_a_forged_link_page_on_a_phone(live_server, phone_page):
    phone_page.goto(f"{live_server.url}/usagers/preferences/faux-lien/")
    assert phone_page.locator("h1").inner_text() == "Ce lien n’est pas valide"
    violations = audit(phone_page)
    assert not violations, format_violations(violations)
