"""The answer page in headless Chromium on a phone: one click, the form, thanks — axe clean."""

from __future__ import annotations

import pytest

from surveys.models import Answer
from tests.browser import audit, format_violations

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data")]


@pytest.mark.django_db(transaction=True)
def test_answering_from_the_email_on_a_phone(live_server, phone_page, sent_survey):
    survey, token = sent_survey()
    page = phone_page
    page.goto(f"{live_server.url}/enquete/{token}/note/4/")  # the "4" link of the email
    assert "Votre avis sur notre réponse" in page.locator("h1").inner_text()
    assert "est enregistrée" in page.locator("[role=status]").inner_text()
    assert page.locator("#id_rating_4").is_checked()
    violations = audit(page)
    assert not violations, format_violations(violations)
    # Every choice is a comfortable touch target on a 360 px screen, nothing overflows.
    box = page.locator("label[for=id_rating_5]").bounding_box()
    assert box["height"] >= 44 and box["x"] + box["width"] <= 360
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.get_by_label("Oui, dès le premier contact").check()
    page.get_by_label("Voulez-vous nous en dire plus ? (facultatif)").fill(
        "Agent très aimable, bac livré en deux jours.")
    page.get_by_role("button", name="Envoyer mon avis").click()
    page.wait_for_url(f"**/enquete/{token}/merci/")
    assert page.locator("h1").inner_text() == "Merci pour votre avis"
    violations = audit(page)
    assert not violations, format_violations(violations)
    answer = Answer.objects.get(survey=survey)
    assert (answer.rating, answer.resolution) == (4, "first_contact") and answer.completed_at


@pytest.mark.django_db(transaction=True)
def test_a_missing_rating_is_announced_accessibly(live_server, phone_page, sent_survey):
    _, token = sent_survey()
    phone_page.goto(f"{live_server.url}/enquete/{token}/")
    phone_page.get_by_role("button", name="Envoyer mon avis").click()
    alert = phone_page.locator("[role=alert]")
    assert "Choisissez une note de 1 à 5." in alert.inner_text()
    violations = audit(phone_page)
    assert not violations, format_violations(violations)


@pytest.mark.django_db(transaction=True)
def test_forged_and_stop_pages_are_clear_and_accessible(live_server, phone_page, sent_survey):
    _, token = sent_survey()
    phone_page.goto(f"{live_server.url}/enquete/{'x' * 22}/")
    assert "n’est pas valide" in phone_page.locator("h1").inner_text()
    violations = audit(phone_page)
    assert not violations, format_violations(violations)
    phone_page.goto(f"{live_server.url}/enquete/{token}/stop/")
    phone_page.get_by_role("button", name="Je ne veux plus recevoir d’enquêtes").click()
    assert "C’est noté" in phone_page.locator("h1").inner_text()
    violations = audit(phone_page)
    assert not violations, format_violations(violations)


@pytest.mark.django_db(transaction=True)
def test_the_results_page_is_accessible(live_server, laptop_page, login, superviseur,
                                        sent_survey):
    from surveys import services

    survey, _ = sent_survey()
    services.submit_answer(survey=survey, rating=2, resolution="later",
                           comment="Attente trop longue au téléphone.")
    login(laptop_page, superviseur)
    for path in ("/enquete/resultats/", "/enquete/suivis/", "/enquete/questionnaires/"):
        laptop_page.goto(f"{live_server.url}{path}")
        violations = audit(laptop_page)
        assert not violations, f"{path}: {format_violations(violations)}"
    laptop_page.goto(f"{live_server.url}/enquete/resultats/")
    assert "Attente trop longue" in laptop_page.content()
