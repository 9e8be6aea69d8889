import pytest

from tests.browser import audit, format_violations

pytestmark = pytest.mark.browser


def test_login_page_is_accessible_on_a_phone(live_server, phone_page):
    phone_page.goto(f"{live_server.url}/connexion/")
    assert phone_page.locator("h1").inner_text() == "Connexion des agents et des élus"
    violations = audit(phone_page)
    assert not violations, format_violations(violations)


def test_wrong_password_is_announced(live_server, phone_page, agent):
    phone_page.goto(f"{live_server.url}/connexion/")
    phone_page.fill("#id_username", "agent")
    phone_page.fill("#id_password", "mauvais")
    phone_page.click("button[type=submit]")
    alert = phone_page.locator("[role=alert]")
    assert "incorrect" in alert.inner_text()
