"""The back office in headless Chromium: accessible (axe-core, WCAG 2.1 AA) on a laptop, a
tablet and a phone, and usable with the keyboard alone."""

import pytest

from guichet import services
from guichet.models import Channel, KnowledgeArticle, Message
from maison.models import Theme
from tests.browser import audit, format_violations

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data")]

TABLET = {"viewport": {"width": 820, "height": 1180}, "device_scale_factor": 2,
          "is_mobile": True, "has_touch": True, "locale": "fr-FR"}


@pytest.fixture
def tablet_page(browser):
    context = browser.new_context(**TABLET)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def tickets(agent):
    collecte = Theme.objects.get(code="collecte")
    KnowledgeArticle.objects.create(theme=collecte, title="Collecte non effectuée",
                                    body="<p>Le camion repasse sous 48 heures.</p>")
    made = []
    for n in range(3):
        reception = services.receive(
            channel=Channel.EMAIL, subject=f"Bac non vidé rue {n}",
            body=f"Bonjour,\nmon bac n’a pas été vidé rue {n}.", email=f"usager{n}@example.fr",
            first_name="Marie", last_name=f"Durand{n}", theme=collecte,
            body_html=f"<p>Bonjour,<br>mon bac n’a pas été <strong>vidé</strong> rue {n}.</p>")
        services.assign(ticket=reception.ticket, assignee=agent)
        made.append(reception.ticket)
    services.add_note(ticket=made[0], author=agent, body="Prévenir le prestataire")
    return made


def assert_accessible(page):
    violations = audit(page)
    assert not violations, format_violations(violations)


@pytest.mark.parametrize("page_fixture", ["laptop_page", "tablet_page", "phone_page"])
def test_queue_page_is_accessible(request, live_server, login, agent, tickets, page_fixture):
    page = request.getfixturevalue(page_fixture)
    login(page, agent)
    page.goto(f"{live_server.url}/guichet/")
    assert page.locator("h1").inner_text() == "Mes demandes"
    assert page.locator("[data-bo-rows] .bo-row-link").count() == 3
    assert_accessible(page)
    page.goto(f"{live_server.url}/guichet/?scope=all&commune=999999")  # an error state too
    assert "Commune inconnue" in page.content()
    assert_accessible(page)


@pytest.mark.parametrize("page_fixture", ["laptop_page", "tablet_page", "phone_page"])
def test_ticket_page_is_accessible(request, live_server, login, agent, tickets, page_fixture):
    page = request.getfixturevalue(page_fixture)
    login(page, agent)
    page.goto(f"{live_server.url}/guichet/{tickets[0].pk}/")
    assert tickets[0].reference in page.locator("h1").inner_text()
    assert page.locator(".bo-timeline strong", has_text="vidé").count() == 1  # email HTML
    assert_accessible(page)


def test_ticket_page_layout_uses_two_columns_on_a_laptop_only(live_server, login, agent,
                                                              tickets, laptop_page,
                                                              phone_page):
    for page, columns in ((laptop_page, 2), (phone_page, 1)):
        login(page, agent)
        page.goto(f"{live_server.url}/guichet/{tickets[0].pk}/")
        template = page.eval_on_selector(".bo-ticket",
                                         "el => getComputedStyle(el).gridTemplateColumns")
        assert len(template.split()) == columns
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= page.viewport_size["width"]  # nothing overflows sideways


def test_new_ticket_and_knowledge_pages_are_accessible(live_server, login, agent, tickets,
                                                       phone_page):
    login(phone_page, agent)
    phone_page.goto(f"{live_server.url}/guichet/nouvelle/?usager_q=Durand")
    assert phone_page.locator(".bo-candidates li").count() == 3
    assert_accessible(phone_page)
    phone_page.goto(f"{live_server.url}/guichet/connaissances/")
    assert_accessible(phone_page)
    phone_page.goto(f"{live_server.url}/guichet/recherche/?q=vid%C3%A9")
    assert_accessible(phone_page)


def test_keyboard_only_flow(live_server, agent, tickets, laptop_page, mailoutbox):
    page = laptop_page
    page.goto(f"{live_server.url}/connexion/")
    page.wait_for_selector("#id_username:focus")  # autofocus: no click needed
    page.keyboard.type("agent")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_password"
    page.keyboard.type("motdepasse-demo")
    page.keyboard.press("Enter")
    page.wait_for_url("**/guichet/")

    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    first = page.locator("[data-bo-rows] .bo-row-link").first
    assert page.evaluate("document.activeElement.textContent") == first.inner_text()
    assert page.locator("tr.is-selected").count() == 1
    reference = first.inner_text()
    page.keyboard.press("Enter")
    page.wait_for_url("**/guichet/*/")
    assert reference in page.locator("h1").inner_text()

    page.keyboard.press("r")
    assert page.evaluate("document.activeElement.id") == "id_reply-body"
    page.keyboard.type("Bonjour, le camion repasse demain.")
    page.keyboard.press("Tab")  # "Après l’envoi"
    page.keyboard.press("Tab")  # "Envoyer la réponse"
    assert page.evaluate("document.activeElement.textContent").strip() == "Envoyer la réponse"
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "Réponse enregistrée" in page.locator("[role=status]").first.inner_text()
    ticket = next(t for t in tickets if t.reference == reference)
    reply = ticket.messages.get(direction=Message.Direction.OUT)
    assert reply.body == "Bonjour, le camion repasse demain."

    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "bo-search"
    page.keyboard.type(reference)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/guichet/{ticket.pk}/")


def test_insert_a_suggested_article_into_the_reply(live_server, login, agent, tickets,
                                                   laptop_page):
    login(laptop_page, agent)
    laptop_page.goto(f"{live_server.url}/guichet/{tickets[0].pk}/")
    laptop_page.get_by_role("link", name="Insérer dans la réponse").first.click()
    assert laptop_page.input_value("#id_reply-body") == "Le camion repasse sous 48 heures."
    assert laptop_page.evaluate("document.activeElement.id") == "id_reply-body"


def test_subthemes_follow_the_chosen_theme(live_server, login, agent, tickets, laptop_page):
    login(laptop_page, agent)
    laptop_page.goto(f"{live_server.url}/guichet/{tickets[0].pk}/")
    eau = Theme.objects.get(code="eau")
    laptop_page.select_option("#id_qualify-theme", str(eau.pk))
    visible = laptop_page.eval_on_selector_all(
        "#id_qualify-subtheme optgroup",
        "groups => groups.filter(g => !g.hidden).map(g => g.label)")
    assert visible == [eau.label]


def test_queue_filters_fold_away_on_a_phone_unless_in_use(live_server, login, agent, tickets,
                                                          laptop_page, phone_page):
    for page, open_by_default in ((laptop_page, True), (phone_page, False)):
        login(page, agent)
        page.goto(f"{live_server.url}/guichet/?scope=all")
        assert page.eval_on_selector("[data-bo-filters]", "el => el.open") is open_by_default
    phone_page.goto(f"{live_server.url}/guichet/?scope=all&channel=email")
    assert phone_page.eval_on_selector("[data-bo-filters]", "el => el.open") is True
    phone_page.click("[data-bo-filters] summary")
    phone_page.click("[data-bo-filters] summary")
    assert phone_page.eval_on_selector("[data-bo-filters]", "el => el.open") is True
