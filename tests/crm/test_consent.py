"""Opt-in consent with proof, and withdrawal as easy as giving: signed links, no account."""

import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from crm import services as crm_services
from crm.models import AccessLog, Consent, ConsentChannel, PreferenceShortLink, Purpose
from crm.selectors import consent_states, has_consent
from crm.services.merges import merge_usagers
from crm.services.rgpd import erase_usager

pytestmark = pytest.mark.usefixtures("reference_data")


@pytest.fixture
def marie(make_usager):
    return make_usager(email="marie@example.fr", phone="06 12 34 56 78")


def preferences_path(usager):
    return reverse("crm:preferences", args=[crm_services.preferences_token(usager)])


def test_default_is_no_for_every_purpose_and_channel(marie):
    assert not any(has_consent(marie, purpose=purpose, channel=channel)
                   for purpose in Purpose.values for channel in ConsentChannel.values)


def test_consent_texts_exist_for_every_purpose():
    for purpose in Purpose.values:
        text = crm_services.current_consent_text(purpose)
        assert text and text.version and "J’accepte" in text.text


def test_preferences_url_is_absolute_signed_and_opaque(marie, settings):
    url = crm_services.preferences_url(marie)
    assert url.startswith(settings.PUBLIC_BASE_URL + "/usagers/preferences/")
    assert "marie" not in url and marie.public_id.hex not in url
    assert crm_services.read_preferences_token(url.rstrip("/").rsplit("/", 1)[-1]).usager == marie


def test_the_public_page_shows_and_changes_each_consent(client, marie, opt_in):
    opt_in(marie, Purpose.CAMPAGNES, ConsentChannel.EMAIL)
    path = preferences_path(marie)

    page = client.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Vos choix de contact" in html and "Bonjour Marie" in html
    assert 'name="campagnes__email" value="oui" checked' in html
    assert 'name="enquetes__sms" value="oui" checked' not in html
    assert crm_services.current_consent_text(Purpose.ENQUETES).text in html
    assert page["Referrer-Policy"] == "same-origin"

    saved = client.post(path, {"enquetes__sms": "oui"})  # campaigns unticked, surveys ticked

    assert saved.status_code == 200 and "Vos choix sont enregistrés" in saved.content.decode()
    assert not has_consent(marie, purpose=Purpose.CAMPAGNES, channel=ConsentChannel.EMAIL)
    assert has_consent(marie, purpose=Purpose.ENQUETES, channel=ConsentChannel.SMS)
    withdrawal = consent_states(marie)[(Purpose.CAMPAGNES, ConsentChannel.EMAIL)]
    assert withdrawal.source == "lien de préférences" and withdrawal.recorded_by is None
    assert withdrawal.text == crm_services.current_consent_text(Purpose.CAMPAGNES)
    assert withdrawal.proof["via"] == "preferences_page"
    assert "link_issued_at" in withdrawal.proof
    # Unchanged choices write nothing: 1 opt-in + 1 withdrawal + 1 opt-in.
    assert Consent.objects.filter(usager=marie).count() == 3


def test_an_expired_link_gets_a_clear_page(client, marie, settings):
    long_ago = time.time() - (settings.MDS_PREFERENCES_LINK_DAYS + 1) * 86400
    with mock.patch("django.core.signing.time.time", return_value=long_ago):
        path = preferences_path(marie)

    response = client.get(path)

    assert response.status_code == 410
    assert "Ce lien a expiré" in response.content.decode()
    assert client.post(path, {"campagnes__email": "oui"}).status_code == 410
    assert not Consent.objects.filter(usager=marie).exists()


@pytest.mark.parametrize("forge", [
    lambda token: token[:-3] + ("abc" if not token.endswith("abc") else "xyz"),
    lambda token: "eyJ1IjoiMTIzIn0:1tXyZa:" + "A" * 43,
    lambda token: "nimportequoi",
    lambda token: signing.dumps({"u": "0" * 32}, salt="another.salt"),
    lambda token: signing.dumps({"u": "0" * 32}, key="not-our-secret",
                                salt="crm.preferences.v1"),
])
def test_forged_links_get_a_clear_page_never_an_error(client, marie, forge):
    token = forge(crm_services.preferences_token(marie))
    response = client.get(reverse("crm:preferences", args=[token]))
    assert response.status_code == 400
    assert "Ce lien n’est pas valide" in response.content.decode()


def test_a_link_of_an_erased_usager_no_longer_works(client, marie, superviseur):
    path = preferences_path(marie)
    erase_usager(usager=marie, by=superviseur)
    response = client.get(path)
    assert response.status_code == 404
    assert "Nous ne trouvons plus vos données" in response.content.decode()


def test_an_old_link_follows_a_merge(client, marie, make_usager, superviseur):
    kept = make_usager(email="marie.dupont@example.fr")
    path = preferences_path(marie)
    merge_usagers(source=marie, target=kept, by=superviseur)
    client.post(path, {"information__email": "oui"})
    assert has_consent(kept, purpose=Purpose.INFORMATION, channel=ConsentChannel.EMAIL)


def test_the_sms_short_link_leads_to_the_signed_page(client, marie):
    url = crm_services.short_preferences_url(marie)
    assert len(url.rsplit("/", 2)[-2]) == 11
    assert crm_services.short_preferences_url(marie) == url  # reused while young
    code = url.rstrip("/").rsplit("/", 1)[-1]

    response = client.get(reverse("crm:short_preferences", args=[code]))

    assert response.status_code == 302
    assert client.get(response.url).status_code == 200
    PreferenceShortLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = client.get(reverse("crm:short_preferences", args=[code]))
    unknown = client.get(reverse("crm:short_preferences", args=["AAAAAAAAAAA"]))
    assert expired.status_code == 410 and unknown.status_code == 400


def test_one_click_unsubscribe_from_the_mail_client(client, marie, opt_in):
    opt_in(marie, Purpose.CAMPAGNES, ConsentChannel.EMAIL)
    opt_in(marie, Purpose.CAMPAGNES, ConsentChannel.SMS)
    url = reverse("crm:one_click_unsubscribe",
                  args=[crm_services.preferences_token(marie), Purpose.CAMPAGNES])
    csrf_client = client.__class__(enforce_csrf_checks=True)

    response = csrf_client.post(url, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert not has_consent(marie, purpose=Purpose.CAMPAGNES, channel=ConsentChannel.EMAIL)
    assert has_consent(marie, purpose=Purpose.CAMPAGNES, channel=ConsentChannel.SMS)
    assert csrf_client.get(url).status_code == 405
    bad = csrf_client.post(reverse("crm:one_click_unsubscribe", args=["faux", "campagnes"]))
    assert bad.status_code == 400


# --- Consent collected by an agent ------------------------------------------------------------

def test_agent_records_consent_given_at_the_counter_with_the_text_read(client, agent, marie):
    text = crm_services.current_consent_text(Purpose.ENQUETES)
    client.force_login(agent)
    url = reverse("crm:consent_record", args=[marie.pk])

    form = client.get(url, {"purpose": Purpose.ENQUETES})
    response = client.post(url, {"purpose": Purpose.ENQUETES, "channel": ConsentChannel.SMS,
                                 "given": "1", "source": "accueil", "text": text.pk,
                                 "text_read": "on"})

    assert form.status_code == 200 and text.text in form.content.decode()
    assert response.status_code == 302
    consent = consent_states(marie)[(Purpose.ENQUETES, ConsentChannel.SMS)]
    assert consent.given and consent.recorded_by == agent and consent.text == text
    assert consent.source == "accueil" and consent.proof["text_read_to_usager"]
    assert AccessLog.objects.filter(usager=marie, action=AccessLog.Action.CONSENT,
                                    user=agent).exists()


def test_agent_must_confirm_the_text_was_read_and_match_the_purpose(client, agent, marie):
    client.force_login(agent)
    url = reverse("crm:consent_record", args=[marie.pk])
    wrong_text = crm_services.current_consent_text(Purpose.CAMPAGNES)

    unread = client.post(url, {"purpose": Purpose.ENQUETES, "channel": "sms", "given": "1",
                               "source": "telephone",
                               "text": crm_services.current_consent_text(Purpose.ENQUETES).pk})
    mismatch = client.post(url, {"purpose": Purpose.ENQUETES, "channel": "sms", "given": "1",
                                 "source": "telephone", "text": wrong_text.pk,
                                 "text_read": "on"})

    assert unread.status_code == mismatch.status_code == 400
    assert "ne correspond pas à la finalité" in mismatch.content.decode()
    assert not Consent.objects.filter(usager=marie).exists()


def test_withdrawal_recorded_by_an_agent_wins_over_an_older_yes(marie, agent, opt_in):
    opt_in(marie, Purpose.INFORMATION, ConsentChannel.EMAIL)
    crm_services.record_consent(usager=marie, purpose=Purpose.INFORMATION,
                                channel=ConsentChannel.EMAIL, given=False, source="telephone",
                                recorded_by=agent)
    assert not has_consent(marie, purpose=Purpose.INFORMATION, channel=ConsentChannel.EMAIL)
