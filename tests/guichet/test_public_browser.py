"""The public form and follow-up page in headless Chromium, on a phone, keyboard only."""

import pytest

from guichet import services
from guichet.models import Channel, Ticket
from tests.browser import audit, format_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def public_settings(settings, reference_data, tmp_path):
    settings.MDS_FORM_MIN_SECONDS = 0
    settings.MDS_ACK_ENABLED = True
    settings.MEDIA_ROOT = tmp_path
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "public-browser-tests"}}
    return settings


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching `selector` has the focus (keyboard only)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)",
                         selector):
            return
    raise AssertionError(f"{selector} never received the focus with Tab")


def test_form_is_accessible_and_errors_are_announced_and_focused(live_server, phone_page,
                                                                 public_settings):
    phone_page.goto(f"{live_server.url}/demande/")
    violations = audit(phone_page)
    assert not violations, format_violations(violations)
    tab_to(phone_page, "button.mds-public-submit")
    with phone_page.expect_navigation():
        phone_page.keyboard.press("Enter")
    summary = phone_page.locator("#erreurs")
    assert summary.get_attribute("role") == "alert"
    assert phone_page.evaluate("document.activeElement.id") == "erreurs"
    assert "Sujet" in summary.inner_text() and "Nom" in summary.inner_text()
    violations = audit(phone_page)
    assert not violations, format_violations(violations)
    # No horizontal scrolling on a 360 px phone.
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360


def test_keyboard_only_submission_on_a_phone(live_server, phone_page, public_settings):
    page = phone_page
    page.goto(f"{live_server.url}/demande/")
    tab_to(page, "#id_nature_0")  # "Poser une question" is chosen with the keyboard
    page.keyboard.press("Space")
    tab_to(page, "#id_theme")
    page.keyboard.press("ArrowDown")  # first theme: Collecte
    tab_to(page, "#id_subtheme")
    page.keyboard.press("ArrowDown")  # only the chosen theme's sub-themes are offered
    chosen = page.evaluate("document.querySelector('#id_subtheme').selectedOptions[0]"
                           ".parentNode.label")
    assert chosen == "Collecte des ordures ménagères"
    tab_to(page, "#id_commune")
    page.keyboard.press("ArrowDown")
    tab_to(page, "#id_description")
    page.keyboard.type("Bonjour, quel est le jour de collecte dans ma rue ?")
    tab_to(page, "#id_last_name")
    page.keyboard.type("Lemoine")
    tab_to(page, "#id_email")
    page.keyboard.type("anne.lemoine@example.fr")
    tab_to(page, "#id_category_0")
    page.keyboard.press("Space")
    tab_to(page, "button.mds-public-submit")
    page.keyboard.press("Enter")
    page.wait_for_url("**/demande/envoyee/")
    ticket = Ticket.objects.get()
    assert ticket.reference in page.locator("main").inner_text()
    violations = audit(page)
    assert not violations, format_violations(violations)
    # The receipt leads to the follow-up page, which is accessible too.
    tab_to(page, "a.mds-button")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/suivi/{ticket.reference}/**")
    assert "Votre demande" in page.locator("h1").inner_text()
    violations = audit(page)
    assert not violations, format_violations(violations)


def test_follow_up_page_on_a_phone_with_a_message_by_keyboard(live_server, phone_page,
                                                              public_settings, agent):
    ticket = services.receive(channel=Channel.EMAIL, body="Mon bac jaune est fendu.",
                              email="marie@example.fr").ticket
    services.add_note(ticket=ticket, author=agent, body="NOTE-INTERNE")
    services.reply(ticket=ticket, author=agent, body="Un bac neuf arrive jeudi.")
    page = phone_page
    page.goto(f"{live_server.url}/suivi/{ticket.reference}/{ticket.tracking_code}/")
    text = page.locator("main").inner_text()
    assert "Un bac neuf arrive jeudi." in text and "NOTE-INTERNE" not in text
    violations = audit(page)
    assert not violations, format_violations(violations)
    tab_to(page, "#id_body")
    page.keyboard.type("Merci, je serai là jeudi.")
    tab_to(page, "form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "bien été ajouté" in page.locator("main").inner_text()
    assert ticket.messages.filter(body="Merci, je serai là jeudi.").exists()
    violations = audit(page)
    assert not violations, format_violations(violations)
