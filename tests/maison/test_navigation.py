"""One navigation for the whole back office, showing each role only what it may open."""

import pytest

pytestmark = pytest.mark.usefixtures("reference_data")

AGENT_LINKS = ["/guichet/", "/usagers/", "/sophie/agents/", "/guichet/connaissances/",
               "/guichet/entrees/", "/cockpit/"]
SUPERVISOR_LINKS = ["/usagers/doublons/", "/usagers/campagnes/", "/enquete/resultats/",
                    "/sophie/supervision/"]


def nav_of(client, user, url="/cockpit/"):
    client.force_login(user)
    html = client.get(url).content.decode()
    return html[html.index("mds-nav"):html.index("</header>")]


def test_agent_sees_the_work_pages_not_the_supervision(client, agent):
    nav = nav_of(client, agent)
    assert all(f'href="{link}"' in nav for link in AGENT_LINKS)
    assert not any(f'href="{link}"' in nav for link in SUPERVISOR_LINKS)


def test_supervisor_also_sees_the_supervision(client, superviseur):
    nav = nav_of(client, superviseur)
    assert all(f'href="{link}"' in nav for link in AGENT_LINKS + SUPERVISOR_LINKS)


def test_elu_sees_only_the_cockpit(client, elu):
    nav = nav_of(client, elu)
    assert 'href="/cockpit/"' in nav
    assert not any(f'href="{link}"' in nav for link in AGENT_LINKS[:-1] + SUPERVISOR_LINKS)


@pytest.mark.parametrize("url, current", [("/guichet/", "/guichet/"),
                                          ("/usagers/doublons/", "/usagers/doublons/"),
                                          ("/cockpit/", "/cockpit/")])
def test_current_page_is_marked(client, superviseur, url, current):
    nav = nav_of(client, superviseur, url)
    assert f'href="{current}" aria-current="page"' in nav
    assert nav.count('aria-current="page"') == 1


def test_every_linked_page_opens_for_its_role(client, agent, superviseur):
    for user, links in ((agent, AGENT_LINKS), (superviseur, SUPERVISOR_LINKS)):
        client.force_login(user)
        for link in links:
            assert client.get(link).status_code == 200, link
