"""The widget in headless Chromium on a phone: a whole conversation, then a report with a photo."""

import re

import pytest

from guichet.models import Ticket
from tests.browser import audit, format_violations
from tests.chatbot.conftest import JPEG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _send(page, text):
    page.fill("#sophie-input", text)
    page.keyboard.press("Enter")


def _sophie_says(page, text):
    page.locator(".sophie-msg--sophie .sophie-bubble", has_text=text).last.wait_for()


def test_a_whole_conversation_on_a_phone(live_server, phone_page, sophie, tmp_path):
    page = phone_page
    page.goto(f"{live_server.url}/sophie/")
    _sophie_says(page, "je suis Sophie")
    assert page.locator("[role=log][aria-live=polite]").count() == 1
    violations = audit(page)
    assert not violations, format_violations(violations)

    # Collection days: commune (quick reply), then street (typed).
    _send(page, "Quels jours passe le camion poubelle ?")
    _sophie_says(page, "Dans quelle commune habitez-vous ?")
    page.get_by_role("button", name="Trouville-sur-Mer").click()
    _sophie_says(page, "Quelle rue, à Trouville-sur-Mer ?")
    _send(page, "rue des Bains")
    _sophie_says(page, "Emballages (bac jaune) : le jeudi, chaque semaine")
    assert page.evaluate("document.activeElement.id") == "sophie-input"

    # A report with a photo, which gets a reference.
    _send(page, "Je veux signaler un dépôt sauvage")
    _sophie_says(page, "Dans quelle commune")
    page.get_by_role("button", name="Touques", exact=True).click()
    _sophie_says(page, "Où exactement, à Touques ?")
    _send(page, "derrière l’église, place Lemercier")
    page.locator(".sophie-msg--sophie").last.wait_for()
    page.wait_for_timeout(300)
    if "Décrivez-moi" in page.locator(".sophie-msg--sophie .sophie-bubble").last.inner_text():
        _send(page, "deux matelas et des sacs de gravats")
    _sophie_says(page, "joignez une photo")
    photo = tmp_path / "depot.jpg"
    photo.write_bytes(JPEG)
    assert page.locator(".sophie-photo").is_visible()
    page.set_input_files("#sophie-photo-input", str(photo))
    _sophie_says(page, "Merci, j’ai bien reçu votre photo.")
    page.get_by_role("button", name="Je préfère ne pas le donner").click()
    _sophie_says(page, "Je récapitule votre demande")
    page.get_by_role("button", name="Oui, transmettre").click()
    _sophie_says(page, "Votre demande porte la référence")
    reference = Ticket.objects.get().reference
    last = page.locator(".sophie-msg--sophie .sophie-bubble").last.inner_text()
    assert reference in last
    assert re.search(r"MDS-\d{4}-\d{6}", last)
    assert Ticket.objects.get().messages.get().attachments.count() == 1
    violations = audit(page)
    assert not violations, format_violations(violations)

    # The conversation survives a reload (localStorage + history from the server).
    page.reload()
    page.locator(".sophie-msg--usager .sophie-bubble", has_text="rue des Bains").wait_for()
    assert page.locator(".sophie-msg--sophie .sophie-bubble", has_text=reference).count() == 1


def test_typed_html_is_shown_as_text(live_server, phone_page, sophie):
    page = phone_page
    page.goto(f"{live_server.url}/sophie/")
    _sophie_says(page, "je suis Sophie")
    _send(page, "<img src=x onerror=\"document.body.dataset.pwned=1\"><b>gras</b>")
    page.locator(".sophie-msg--usager .sophie-bubble", has_text="<b>gras</b>").wait_for()
    _sophie_says(page, "")
    assert page.evaluate("document.body.dataset.pwned") is None
    assert page.locator(".sophie-msg--usager b").count() == 0


def test_floating_widget_opens_with_the_keyboard(live_server, laptop_page, sophie):
    page = laptop_page
    page.set_content(f"""<!doctype html><html lang="fr"><head><title>Site de la commune</title>
      </head><body><main><h1>Mairie</h1></main>
      <script src="{live_server.url}/static/chatbot/widget.js"></script></body></html>""")
    launcher = page.get_by_role("button", name="Une question ? Sophie vous répond")
    launcher.focus()
    page.keyboard.press("Enter")
    _sophie_says(page, "je suis Sophie")
    assert page.evaluate("document.activeElement.id") == "sophie-input"
    page.keyboard.press("Escape")
    assert page.locator("#sophie-panel").is_hidden()
    assert launcher.evaluate("el => el === document.activeElement")


def test_calendar_page_is_accessible_on_a_phone(live_server, phone_page, sophie):
    phone_page.goto(f"{live_server.url}/calendrier/TRO-1/")
    assert "Trouville centre" in phone_page.locator("h1").inner_text()
    violations = audit(phone_page)
    assert not violations, format_violations(violations)


def test_agents_page_is_accessible(live_server, laptop_page, sophie, agent, login):
    login(laptop_page, agent)
    laptop_page.goto(f"{live_server.url}/sophie/agents/")
    assert "Chat en direct" in laptop_page.locator("h1").inner_text()
    violations = audit(laptop_page)
    assert not violations, format_violations(violations)
