"""Who sees what: élus never see personal data, agents view, supervisors export, erase, merge."""

from urllib.parse import urlparse

import pytest
from django.urls import reverse

from crm import services as crm_services
from crm.models import AccessLog, Campaign, Merge, MergeProposal, Usager
from crm.services.merges import merge_usagers

pytestmark = pytest.mark.usefixtures("reference_data")

PUBLIC = {"preferences", "one_click_unsubscribe", "short_preferences"}
AGENT_PAGES = {"usagers", "usager", "usager_edit", "consent_record"}
AGENT_POSTS = {"contact_add", "contact_remove", "contact_validity"}


@pytest.fixture
def world(make_usager, superviseur):
    a = make_usager(email="a@example.fr", first_name="Alice", last_name="Secret")
    b = make_usager(email="b@example.fr", first_name="Bob", last_name="Secret")
    c = make_usager(email="c@example.fr", first_name="Carl", last_name="Secret")
    d = make_usager(email="d@example.fr", first_name="Dora", last_name="Secret")
    merge = merge_usagers(source=d, target=c, by=superviseur)
    proposal = MergeProposal.objects.create(usager_a=a, usager_b=b, score=60, reasons=[],
                                            detected_at=a.created_at)
    campaign = Campaign.objects.create(title="Info", email_subject="s", email_body="b")
    point = a.contact_points.first()
    return {"a": a, "b": b, "merge": merge, "proposal": proposal, "campaign": campaign,
            "point": point}


def crm_urls(world) -> dict[str, str]:
    a, b = world["a"], world["b"]
    return {
        "usagers": reverse("crm:usagers"),
        "usager": reverse("crm:usager", args=[a.pk]),
        "usager_edit": reverse("crm:usager_edit", args=[a.pk]),
        "contact_add": reverse("crm:contact_add", args=[a.pk]),
        "contact_remove": reverse("crm:contact_remove", args=[a.pk, world["point"].pk]),
        "contact_validity": reverse("crm:contact_validity", args=[a.pk, world["point"].pk]),
        "consent_record": reverse("crm:consent_record", args=[a.pk]),
        "export_json": reverse("crm:export_json", args=[a.pk]),
        "export_document": reverse("crm:export_document", args=[a.pk]),
        "erase": reverse("crm:erase", args=[a.pk]),
        "merge_start": reverse("crm:merge_start", args=[a.pk]),
        "duplicates": reverse("crm:duplicates"),
        "proposal": reverse("crm:proposal", args=[world["proposal"].pk]),
        "compare": reverse("crm:compare", args=[a.pk, b.pk]),
        "merges": reverse("crm:merges"),
        "merge_undo": reverse("crm:merge_undo", args=[world["merge"].pk]),
        "campaigns": reverse("crm:campaigns"),
        "campaign_new": reverse("crm:campaign_new"),
        "campaign": reverse("crm:campaign", args=[world["campaign"].pk]),
        "campaign_edit": reverse("crm:campaign_edit", args=[world["campaign"].pk]),
        "campaign_schedule": reverse("crm:campaign_schedule", args=[world["campaign"].pk]),
        "campaign_cancel": reverse("crm:campaign_cancel", args=[world["campaign"].pk]),
    }


def test_every_crm_page_is_covered_here(world):
    from crm.urls import urlpatterns

    names = {pattern.name for pattern in urlpatterns}
    assert names == set(crm_urls(world)) | PUBLIC


def test_an_elu_gets_403_on_every_crm_page_and_sees_no_name(client, elu, world):
    client.force_login(elu)
    for name, url in crm_urls(world).items():
        for method in (client.get, client.post):
            response = method(url)
            if response.status_code == 405:
                continue
            assert response.status_code == 403, (name, method.__name__)
            assert "Secret" not in response.content.decode(), name
    assert not AccessLog.objects.filter(user=elu).exists()
    assert Usager.objects.filter(erased_at__isnull=False).count() == 0
    assert Merge.objects.get().undone_at is None


def test_anonymous_visitors_are_sent_to_the_login_page(client, world):
    for name, url in crm_urls(world).items():
        response = client.get(url)
        assert response.status_code in (302, 405), name
        if response.status_code == 302:
            assert response.url.startswith(reverse("login")), name


def test_agents_view_and_edit_but_never_export_erase_merge_or_campaign(client, agent, world):
    client.force_login(agent)
    for name, url in crm_urls(world).items():
        if name in AGENT_PAGES:
            assert client.get(url).status_code == 200, name
        elif name not in AGENT_POSTS:
            assert client.get(url).status_code in (403, 405), name
            assert client.post(url, {"confirm": "on", "keep": world["a"].pk}).status_code \
                == 403, name
    assert Usager.objects.filter(erased_at__isnull=False).count() == 0
    assert Merge.objects.get().undone_at is None


def test_supervisors_open_every_page(client, superviseur, world):
    client.force_login(superviseur)
    for name, url in crm_urls(world).items():
        if name in AGENT_POSTS or name in {"merge_undo", "campaign_schedule",
                                           "campaign_cancel"}:
            continue
        assert client.get(url).status_code == 200, name


def test_admins_have_the_supervisor_rights(client, admin_user, world):
    client.force_login(admin_user)
    assert client.get(crm_urls(world)["export_json"]).status_code == 200


def test_signed_links_expire_and_cannot_be_forged(client, world, settings):
    token = crm_services.preferences_token(world["a"])
    good = client.get(reverse("crm:preferences", args=[token]))
    forged = client.get(reverse("crm:preferences", args=[token.replace(":", ":x", 1)]))
    settings.MDS_PREFERENCES_LINK_DAYS = -1  # every link is now older than allowed
    expired = client.get(reverse("crm:preferences", args=[token]))
    assert (good.status_code, forged.status_code, expired.status_code) == (200, 400, 410)


def test_the_public_page_shows_no_other_personal_data(client, world):
    path = urlparse(crm_services.preferences_url(world["a"])).path
    html = client.get(path).content.decode()
    assert "Alice" in html  # greeting by first name only
    assert "Secret" not in html and "a@example.fr" not in html
