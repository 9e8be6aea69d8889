"""Campaigns: only the opted-in, never twice, throttled, through Celery, with figures."""

from datetime import timedelta

import pytest
import responses
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from crm import services as crm_services
from crm import tasks
from crm.models import (
    Campaign,
    CampaignDelivery,
    ConsentChannel,
    Purpose,
    TimelineEntry,
)
from crm.selectors import campaign_figures
from crm.services import campaigns as service
from crm.services.rgpd import erase_usager

from .fakes import TWILIO_SID, TWILIO_URL, FakePostmark, FakeTwilio

pytestmark = pytest.mark.usefixtures("reference_data")


@pytest.fixture
def people(make_usager, opt_in, deauville, trouville):
    """Five residents of Deauville and Trouville with different consents."""
    anne = make_usager(email="anne@example.fr", phone="06 11 11 11 11", first_name="Anne",
                       commune=deauville)
    opt_in(anne, Purpose.CAMPAGNES, ConsentChannel.EMAIL)
    opt_in(anne, Purpose.CAMPAGNES, ConsentChannel.SMS)
    bruno = make_usager(email="bruno@example.fr", first_name="Bruno", commune=deauville,
                        category="secondaire")
    opt_in(bruno, Purpose.CAMPAGNES, ConsentChannel.EMAIL)
    chloe = make_usager(email="chloe@example.fr", first_name="Chloé", commune=trouville)
    opt_in(chloe, Purpose.CAMPAGNES, ConsentChannel.EMAIL)
    denis = make_usager(email="denis@example.fr", first_name="Denis", commune=deauville)
    opt_in(denis, Purpose.INFORMATION, ConsentChannel.EMAIL)  # another purpose
    emma = make_usager(email="emma@example.fr", first_name="Emma", commune=deauville)
    opt_in(emma, Purpose.CAMPAGNES, ConsentChannel.EMAIL)
    opt_in(emma, Purpose.CAMPAGNES, ConsentChannel.EMAIL, given=False)  # withdrawn
    return {"anne": anne, "bruno": bruno, "chloe": chloe, "denis": denis, "emma": emma}


def draft(superviseur, **overrides):
    fields = dict(title="Collecte décalée", purpose=Purpose.CAMPAGNES, send_email=True,
                  send_sms=False, email_subject="Collecte décalée lundi",
                  email_body="En raison du jour férié, la collecte de lundi passe mardi.",
                  sms_body="Collecte de lundi décalée à mardi (jour férié).")
    fields.update(overrides)
    return service.save_campaign(by=superviseur, **fields)


def audience_ids(campaign, channel=ConsentChannel.EMAIL):
    return set(service.audience(campaign, channel).values_list("pk", flat=True))


def test_audience_is_only_the_opted_in_for_that_purpose_and_channel(people, superviseur):
    campaign = draft(superviseur, send_sms=True)
    assert audience_ids(campaign) == {people[n].pk for n in ("anne", "bruno", "chloe")}
    assert audience_ids(campaign, ConsentChannel.SMS) == {people["anne"].pk}
    assert service.audience_counts(campaign) == {"email": 3, "sms": 1}


def test_audience_targets_commune_zone_category_and_theme(people, superviseur, deauville,
                                                         make_ticket, a_street):
    by_commune = draft(superviseur, communes=[deauville])
    by_category = draft(superviseur, categories=["secondaire"])
    assert audience_ids(by_commune) == {people["anne"].pk, people["bruno"].pk}
    assert audience_ids(by_category) == {people["bruno"].pk}

    crm_services.usagers.update_usager(
        usager=people["chloe"], by=superviseur, first_name="Chloé", last_name="Dupont",
        organisation="", category="permanent", commune=deauville,
        address=f"4 {a_street.name}")
    by_zone = draft(superviseur, zones=[a_street.zone])
    assert audience_ids(by_zone) == {people["chloe"].pk}

    make_ticket(usager=people["bruno"], theme_code="encombrants")
    by_theme = draft(superviseur, audience_filters={"theme": ["encombrants"]})
    assert audience_ids(by_theme) == {people["bruno"].pk}


def test_unreachable_and_erased_usagers_are_never_targeted(people, superviseur):
    crm_services.mark_contact_point_invalid(kind="email", value="anne@example.fr",
                                            reason="Rejeté")
    erase_usager(usager=people["bruno"], by=superviseur)
    assert audience_ids(draft(superviseur)) == {people["chloe"].pk}


def test_content_is_validated_with_clear_messages(superviseur):
    with pytest.raises(ValidationError) as too_long:
        draft(superviseur, send_sms=True, sms_body="x" * 150)
    with pytest.raises(ValidationError) as no_channel:
        draft(superviseur, send_email=False, send_sms=False)
    with pytest.raises(ValidationError) as wrong_purpose:
        draft(superviseur, purpose=Purpose.ENQUETES)
    assert "dépasse 160 caractères" in str(too_long.value.message_dict["sms_body"])
    assert "au moins un canal" in str(no_channel.value.message_dict)
    assert "finalité" in str(wrong_purpose.value.message_dict["purpose"])


def test_every_sms_fits_in_160_characters_with_its_stop_link(people, superviseur):
    body = "x" * service.sms_room()
    text = service.sms_text(body, crm_services.short_preferences_url(people["anne"]))
    assert len(text) <= 160 and "STOP" in text


def test_sending_now_goes_through_celery_after_commit(people, superviseur, on_commit):
    campaign = draft(superviseur)
    with on_commit() as callbacks:
        service.schedule_campaign(campaign=campaign, by=superviseur)
    assert len(callbacks) == 1
    assert not CampaignDelivery.objects.exists()  # nothing leaves before the commit

    callbacks[0]()  # the task, run eagerly as the worker would

    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT
    assert {m.to[0] for m in mail.outbox} == {"anne@example.fr", "bruno@example.fr",
                                              "chloe@example.fr"}
    message = next(m for m in mail.outbox if m.to == ["anne@example.fr"])
    assert "/usagers/preferences/" in message.body and "Collecte décalée" in message.subject
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/desabonnement/campagnes/" in message.extra_headers["List-Unsubscribe"]
    entry = TimelineEntry.objects.get(usager=people["anne"], kind=TimelineEntry.Kind.CAMPAIGN)
    assert "Collecte décalée" in entry.summary and entry.channel == "email"


def test_the_send_task_twice_sends_nothing_twice(people, superviseur):
    campaign = draft(superviseur)
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.SCHEDULED,
                                                   scheduled_at=timezone.now())

    tasks.send_campaign(campaign.pk)
    tasks.send_campaign(campaign.pk)
    tasks.send_campaign.delay(campaign.pk)

    assert len(mail.outbox) == 3
    assert CampaignDelivery.objects.filter(campaign=campaign).count() == 3
    assert TimelineEntry.objects.filter(kind=TimelineEntry.Kind.CAMPAIGN).count() == 3


def test_a_delivery_is_claimed_once(people, superviseur):
    campaign = draft(superviseur)
    service.schedule_campaign(campaign=campaign, by=superviseur,
                              at=timezone.now() + timedelta(hours=1))
    Campaign.objects.filter(pk=campaign.pk).update(scheduled_at=timezone.now())
    service.prepare_deliveries(campaign.pk)
    delivery = CampaignDelivery.objects.filter(campaign=campaign).first()

    assert service._claim(delivery.pk) is not None
    assert service._claim(delivery.pk) is None  # a second worker gets nothing


def test_the_database_refuses_a_second_row_for_one_person(people, superviseur):
    from django.db import IntegrityError, transaction

    campaign = draft(superviseur)
    CampaignDelivery.objects.create(campaign=campaign, usager=people["anne"], channel="email")
    with pytest.raises(IntegrityError), transaction.atomic():
        CampaignDelivery.objects.create(campaign=campaign, usager=people["anne"],
                                        channel="email")


def test_sending_is_throttled():
    clock = {"now": 100.0}
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        clock["now"] += seconds

    pacer = service.Pacer(4, clock=lambda: clock["now"], sleep=sleep)
    for _ in range(9):
        pacer.wait()
    assert sum(slept) == pytest.approx(2.0)  # 9 sends at 4/s take 2 s


def test_the_configured_rate_paces_a_batch(people, superviseur, settings, monkeypatch):
    settings.MDS_CAMPAIGN_RATE_PER_SECOND = 2
    created = []
    real_pacer = service.Pacer
    monkeypatch.setattr(service, "Pacer", lambda rate: created.append(rate) or
                        real_pacer(rate, sleep=lambda s: None))
    campaign = draft(superviseur)
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.SCHEDULED,
                                                   scheduled_at=timezone.now())
    tasks.send_campaign(campaign.pk)
    assert created == [2]


def test_consent_withdrawn_before_the_send_wins(people, superviseur, opt_in):
    campaign = draft(superviseur)
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.SCHEDULED,
                                                   scheduled_at=timezone.now())
    service.prepare_deliveries(campaign.pk)
    opt_in(people["chloe"], Purpose.CAMPAGNES, ConsentChannel.EMAIL, given=False)

    service.send_pending_deliveries(campaign_id=campaign.pk)

    assert "chloe@example.fr" not in {m.to[0] for m in mail.outbox}
    assert CampaignDelivery.objects.get(usager=people["chloe"]).status == "skipped"


def test_a_scheduled_campaign_waits_for_its_time(people, superviseur):
    campaign = draft(superviseur)
    service.schedule_campaign(campaign=campaign, by=superviseur,
                              at=timezone.now() + timedelta(hours=2))
    assert tasks.dispatch_due_campaigns() == 0 and not mail.outbox

    Campaign.objects.filter(pk=campaign.pk).update(
        scheduled_at=timezone.now() - timedelta(minutes=1))
    assert tasks.dispatch_due_campaigns() == 1
    assert len(mail.outbox) == 3
    with pytest.raises(ValidationError, match="déjà été envoyée"):
        service.schedule_campaign(campaign=campaign, by=superviseur)


def test_a_past_date_is_refused(superviseur):
    campaign = draft(superviseur)
    with pytest.raises(ValidationError, match="déjà passée"):
        service.schedule_campaign(campaign=campaign, by=superviseur,
                                  at=timezone.now() - timedelta(days=1))


def test_a_stale_claim_is_reported_failed_never_resent(people, superviseur):
    campaign = draft(superviseur)
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.SCHEDULED,
                                                   scheduled_at=timezone.now())
    service.prepare_deliveries(campaign.pk)
    stuck = CampaignDelivery.objects.filter(campaign=campaign).first()
    CampaignDelivery.objects.filter(pk=stuck.pk).update(
        status="sending", claimed_at=timezone.now() - timedelta(hours=2))

    service.send_pending_deliveries(campaign_id=campaign.pk)
    assert service.fail_stale_deliveries() == 1

    stuck.refresh_from_db()
    assert stuck.status == "failed" and "doublon" in stuck.error
    assert len(mail.outbox) == 2
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT


@responses.activate
def test_email_and_sms_through_the_real_vendor_code(people, superviseur, settings):
    postmark, twilio = FakePostmark(), FakeTwilio()
    settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
    settings.ANYMAIL = {"POSTMARK_SERVER_TOKEN": "test-token"}
    settings.SMS_BACKEND = "maison.sms.TwilioBackend"
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = TWILIO_SID, "secret"
    settings.TWILIO_FROM_NUMBER = "+33700000000"
    responses.add_callback(responses.POST, "https://api.postmarkapp.com/email",
                           callback=postmark)
    responses.add_callback(responses.POST, TWILIO_URL, callback=twilio)
    twilio.fail_next = [503]  # one transient refusal: tried again, sent once
    campaign = draft(superviseur, send_sms=True)
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.SCHEDULED,
                                                   scheduled_at=timezone.now())

    tasks.send_campaign(campaign.pk)

    assert len(postmark.sent) == 3 and len(twilio.sent) == 1
    sms = twilio.sent[0]
    assert sms["To"] == "+33611111111" and len(sms["Body"]) <= 160
    assert "/usagers/p/" in sms["Body"] and "STOP" in sms["Body"]
    headers = {h["Name"]: h["Value"] for h in postmark.sent[0]["Headers"]}
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    sent = CampaignDelivery.objects.filter(campaign=campaign, status="sent")
    assert sent.count() == 4 and all(d.provider_id for d in sent)
    assert campaign_figures(campaign)["sent"] == 4


@responses.activate
def test_a_permanent_sms_refusal_is_a_failure(people, superviseur, settings):
    twilio = FakeTwilio()
    settings.SMS_BACKEND = "maison.sms.TwilioBackend"
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = TWILIO_SID, "secret"
    responses.add_callback(responses.POST, TWILIO_URL, callback=twilio)
    twilio.fail_next = [400]
    campaign = draft(superviseur, send_email=False, send_sms=True)
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.SCHEDULED,
                                                   scheduled_at=timezone.now())

    tasks.send_campaign(campaign.pk)

    delivery = CampaignDelivery.objects.get(campaign=campaign)
    assert delivery.status == "failed" and "Twilio 400" in delivery.error
    assert campaign_figures(campaign)["failed"] == 1


def test_figures_count_targeted_sent_failed_and_unsubscribed_after(people, superviseur,
                                                                   opt_in):
    campaign = draft(superviseur)
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.SCHEDULED,
                                                   scheduled_at=timezone.now())
    tasks.send_campaign(campaign.pk)
    opt_in(people["anne"], Purpose.CAMPAGNES, ConsentChannel.EMAIL, given=False,
           at=timezone.now() + timedelta(minutes=5))

    figures = campaign_figures(campaign)

    assert figures == {"targeted": 3, "sent": 3, "failed": 0, "skipped": 0, "pending": 0,
                       "unsubscribed": 1}


def test_cancelling_stops_what_has_not_left(people, superviseur):
    campaign = draft(superviseur)
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.SCHEDULED,
                                                   scheduled_at=timezone.now())
    service.prepare_deliveries(campaign.pk)
    service.cancel_campaign(campaign=campaign, by=superviseur)
    tasks.send_campaign(campaign.pk)
    assert not mail.outbox
    assert set(CampaignDelivery.objects.values_list("status", flat=True)) == {"skipped"}


# --- Pages ------------------------------------------------------------------------------------

def test_supervisor_creates_previews_and_sends_a_campaign(client, superviseur, people,
                                                          deauville, on_commit):
    client.force_login(superviseur)
    response = client.post(reverse("crm:campaign_new"), {
        "title": "Déchèterie fermée samedi", "purpose": Purpose.CAMPAGNES, "send_email": "on",
        "email_subject": "Déchèterie fermée", "email_body": "La déchèterie ferme samedi.",
        "communes": [deauville.pk]})
    assert response.status_code == 302
    campaign = Campaign.objects.get(title="Déchèterie fermée samedi")

    detail = client.get(response.url)
    assert detail.status_code == 200
    assert detail.context["audience"] == [("Courriel", 2)]
    assert "Deauville" in detail.content.decode()

    with on_commit(execute=True):
        sent = client.post(reverse("crm:campaign_schedule", args=[campaign.pk]),
                           {"when": "now"})
    assert sent.status_code == 302
    assert {m.to[0] for m in mail.outbox} == {"anne@example.fr", "bruno@example.fr"}
    listing = client.get(reverse("crm:campaigns")).content.decode()
    assert "Déchèterie fermée samedi" in listing


def test_the_form_explains_what_is_wrong(client, superviseur):
    client.force_login(superviseur)
    response = client.post(reverse("crm:campaign_new"), {
        "title": "", "purpose": Purpose.CAMPAGNES, "send_sms": "on", "sms_body": "x" * 159})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Donnez un titre" in html or "Ce champ est obligatoire" in html
    assert not Campaign.objects.exists()


def test_scheduling_later_needs_a_future_date(client, superviseur, people):
    campaign = draft(superviseur)
    client.force_login(superviseur)
    url = reverse("crm:campaign_schedule", args=[campaign.pk])
    missing = client.post(url, {"when": "later"})
    past = client.post(url, {"when": "later", "at": "2020-01-01T10:00"})
    later = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    ok = client.post(url, {"when": "later", "at": later})
    assert missing.status_code == past.status_code == 400
    assert "Choisissez une date à venir" in past.content.decode()
    assert ok.status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SCHEDULED and not mail.outbox
