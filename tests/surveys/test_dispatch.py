"""Sending due surveys: once, by the right channel, with the five one-click links."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
import responses
from django.core import mail
from django.db import connection
from django.utils import timezone

from crm.models import ContactPoint
from guichet import services as guichet_services
from guichet.models import Channel, Status
from surveys import dispatch, planning, tokens
from surveys.models import Survey

from .conftest import TUESDAY_10H
from .esp import use_postmark, use_twilio

pytestmark = pytest.mark.usefixtures("reference_data")
DUE = TUESDAY_10H + timedelta(hours=2, minutes=1)


@pytest.fixture
def due_survey(make_ticket):
    def _make(**kwargs):
        ticket = make_ticket(**kwargs)
        planning.plan_surveys(now=ticket.resolved_at + timedelta(minutes=5))
        return Survey.objects.get(ticket=ticket)

    return _make


def send(now=DUE, **kwargs):
    return dispatch.dispatch_due(now=now, **kwargs)


def links_in(text: str) -> list[str]:
    return re.findall(r"https?://[^\s\"<>]+", text)


def test_a_due_survey_is_sent_once_with_five_one_click_links(due_survey, mailoutbox):
    survey = due_survey()
    result = send()
    survey.refresh_from_db()
    assert result.sent == 1 and survey.status == Survey.Status.SENT
    assert survey.sent_at and survey.expires_at == survey.sent_at + timedelta(days=14)
    [email] = mailoutbox
    assert email.to == [survey.contact_point.value]
    assert survey.ticket_reference in email.subject
    html = email.alternatives[0][0]
    token = tokens.make_token(survey.ticket_id, survey.token_nonce)
    for score in range(1, 6):
        assert f"/enquete/{token}/note/{score}/" in html
        assert f"/enquete/{token}/note/{score}/" in email.body
    assert f"/enquete/{token}/stop/" in html
    assert email.extra_headers["List-Unsubscribe"].endswith(f"/enquete/{token}/stop/>")
    assert email.extra_headers["Message-ID"] == f"<survey-{survey.pk}@coeurcotefleurie.example>"
    assert tokens.hash_token(token) == survey.token_hash
    # A second pass, a duplicate task: nothing more goes out.
    assert send().sent == 0 and len(mailoutbox) == 1


def test_nothing_is_sent_before_the_due_time_or_outside_sending_hours(due_survey, mailoutbox):
    due_survey()
    assert send(now=DUE - timedelta(minutes=5)).sent == 0
    sunday = TUESDAY_10H + timedelta(days=5)
    assert send(now=sunday).outside_window and not mailoutbox


def test_the_email_goes_through_anymail_to_the_esp_api(due_survey, settings):
    with responses.RequestsMock() as mocked:
        postmark = use_postmark(settings, mocked)
        survey = due_survey()
        send()
    [payload] = postmark.sent
    survey.refresh_from_db()
    assert payload["To"] == survey.contact_point.value
    assert payload["Metadata"] == {"survey_id": str(survey.pk),
                                   "reference": survey.ticket_reference}
    headers = {h["Name"]: h["Value"] for h in payload["Headers"]}
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert len([u for u in links_in(payload["HtmlBody"]) if "/note/" in u]) == 5
    assert survey.status == Survey.Status.SENT and len(survey.provider_id) == 36


def test_an_overloaded_esp_means_trying_again_later(due_survey, settings):
    with responses.RequestsMock() as mocked:
        postmark = use_postmark(settings, mocked)
        postmark.fail_with = (503, {"ErrorCode": 100, "Message": "Maintenance"})
        survey = due_survey()
        result = send()
    survey.refresh_from_db()
    assert result.retried == 1 and survey.status == Survey.Status.DUE
    assert survey.due_at > DUE and survey.send_attempts == 1 and "503" in survey.last_error


def test_an_address_the_esp_refuses_is_invalidated(due_survey, settings):
    with responses.RequestsMock() as mocked:
        postmark = use_postmark(settings, mocked)
        postmark.inactive = True
        survey = due_survey()
        send()
    survey.refresh_from_db()
    assert survey.skip_reason == Survey.SkipReason.SEND_FAILED
    assert not ContactPoint.objects.get(pk=survey.contact_point_id).is_valid


def test_a_phone_contact_gets_a_short_sms_through_twilio(due_survey, settings):
    with responses.RequestsMock() as mocked:
        twilio = use_twilio(settings, mocked)
        survey = due_survey(email=None, phone="06 12 34 56 78", channel=Channel.TELEPHONE)
        send()
    [sms] = twilio.sent
    survey.refresh_from_db()
    token = tokens.make_token(survey.ticket_id, survey.token_nonce)
    assert sms["To"] == "+33612345678" and f"/enquete/{token}/" in sms["Body"]
    assert survey.ticket_reference in sms["Body"] and "’" not in sms["Body"]
    assert len(sms["Body"]) <= 2 * 153  # two SMS segments at most
    assert survey.status == Survey.Status.SENT and survey.provider_id.startswith("SM")


def test_what_changed_since_planning_is_checked_before_sending(due_survey, refuse_surveys,
                                                               agent, mailoutbox):
    refused = due_survey()
    spam = due_survey()
    refuse_surveys(refused.usager)
    guichet_services.change_status(ticket=spam.ticket, status=Status.CLOS, actor=agent,
                                   close_reason="spam")
    result = send()
    assert result.sent == 0 and not mailoutbox
    assert Survey.objects.get(pk=refused.pk).skip_reason == Survey.SkipReason.REFUSED
    assert Survey.objects.get(pk=spam.pk).skip_reason == Survey.SkipReason.SPAM


def test_a_sender_that_died_after_its_claim_loses_nothing(due_survey, settings, mailoutbox):
    survey = due_survey()
    assert dispatch.claim_batch(now=DUE) == [survey.pk]  # ...and the worker is killed here
    assert send(now=DUE + timedelta(minutes=1)).sent == 0  # still leased to the dead sender
    lease = timedelta(seconds=settings.SURVEYS_CLAIM_LEASE_SECONDS)
    assert send(now=DUE + lease + timedelta(seconds=1)).sent == 1
    assert len(mailoutbox) == 1 and Survey.objects.get(pk=survey.pk).send_attempts == 2


def test_too_late_surveys_are_dropped_and_old_links_expire(due_survey, mailoutbox):
    late = due_survey()
    week_later = DUE + timedelta(days=8)
    dispatch.expire_surveys(now=week_later)
    assert Survey.objects.get(pk=late.pk).skip_reason == Survey.SkipReason.TOO_LATE
    sent = due_survey(resolved_at=TUESDAY_10H + timedelta(days=1))
    send(now=DUE + timedelta(days=1))
    dispatch.expire_surveys(now=DUE + timedelta(days=16))
    assert Survey.objects.get(pk=sent.pk).status == Survey.Status.EXPIRED


def test_no_reminder_by_default_and_one_when_configured(due_survey, settings, mailoutbox):
    survey = due_survey()
    send()
    assert dispatch.send_reminders(now=DUE + timedelta(days=4)) == 0
    settings.SURVEYS_REMINDER_AFTER_DAYS = 3
    assert dispatch.send_reminders(now=DUE + timedelta(days=2)) == 0
    assert dispatch.send_reminders(now=DUE + timedelta(days=3, minutes=1)) == 1
    assert dispatch.send_reminders(now=DUE + timedelta(days=3, minutes=2)) == 0
    assert len(mailoutbox) == 2 and mailoutbox[1].subject.startswith("Rappel")
    assert mailoutbox[1].extra_headers["Message-ID"].startswith(f"<survey-{survey.pk}-relance")


def test_no_reminder_once_answered(due_survey, settings, mailoutbox):
    from surveys import services

    survey = due_survey()
    send()
    services.record_rating(survey=survey, rating=5)
    settings.SURVEYS_REMINDER_AFTER_DAYS = 3
    assert dispatch.send_reminders(now=DUE + timedelta(days=4)) == 0


def test_the_command_runs_one_pass(make_ticket, mailoutbox, capsys):
    from django.core.management import call_command

    make_ticket(resolved_at=TUESDAY_10H - timedelta(days=400))  # long ago: never surveyed
    now = timezone.now()
    recent = make_ticket(resolved_at=now - timedelta(hours=3))
    planning.plan_surveys(now=now)
    # Due now whatever the hour the test runs at (in the evening or on a Sunday it would be
    # planned for the next sending window).
    Survey.objects.filter(ticket=recent).update(due_at=now - timedelta(seconds=1))
    call_command("dispatch_surveys", "--outside-hours")
    out = capsys.readouterr().out
    assert "Envoyées : 1" in out and len(mailoutbox) == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_senders_send_each_survey_exactly_once(due_survey):
    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED between connections is a PostgreSQL matter")
    surveys = [due_survey() for _ in range(40)]
    mail.outbox = []
    errors = []

    def sender():
        try:
            dispatch.dispatch_due(now=DUE, batch_size=3)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sender) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    ids = sorted(int(m.extra_headers["X-MDS-Survey"]) for m in mail.outbox)
    assert ids == sorted(s.pk for s in surveys)
    assert Survey.objects.filter(status=Survey.Status.SENT).count() == 40


def test_the_periodic_pass_plans_then_starts_senders(make_ticket, settings, mailoutbox):
    from maison.celery import app
    from surveys import tasks
    from surveys.schedule import BEAT_SCHEDULE

    assert BEAT_SCHEDULE["surveys-pass"]["task"] == tasks.survey_pass.name
    assert app.tasks[tasks.send_due_surveys.name].acks_late
    ticket = make_ticket(resolved_at=timezone.now() - timedelta(minutes=1))
    result = tasks.survey_pass()  # eager in unit tests: senders run inline
    survey = Survey.objects.get(ticket=ticket)
    assert result["due"] == 1 and survey.status == Survey.Status.DUE
    Survey.objects.filter(pk=survey.pk).update(due_at=timezone.now() - timedelta(seconds=1))
    assert tasks.survey_pass()["senders"] == 1
    tasks.send_due_surveys(respect_window=False)
    assert Survey.objects.get(pk=survey.pk).status == Survey.Status.SENT
    assert len(mailoutbox) == 1


def statements(captured, prefix: str = "") -> list[str]:
    return [q["sql"] for q in captured.captured_queries if q["sql"].startswith(prefix)]


def test_sending_costs_one_statement_per_survey_beyond_a_fixed_few_per_batch(due_survey,
                                                                               mailoutbox):
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (3, 6):
        [due_survey() for _ in range(size)]
        with CaptureQueriesContext(connection) as captured:
            assert send().sent == size
        counts.append(len(captured))
    assert counts[1] - counts[0] == 3  # each survey: only its own "sent" mark
    assert len(mailoutbox) == 9


def test_surveys_not_to_send_are_marked_with_one_statement_per_reason(due_survey,
                                                                      refuse_surveys,
                                                                      mailoutbox):
    from django.test.utils import CaptureQueriesContext

    refused = [due_survey() for _ in range(4)]
    for survey in refused:
        refuse_surveys(survey.usager)
    kept = due_survey()
    with CaptureQueriesContext(connection) as captured:
        result = send()
    assert result.sent == 1 and result.skipped == 4 and result.skip_reasons == {"refused": 4}
    assert [m.extra_headers["X-MDS-Survey"] for m in mailoutbox] == [str(kept.pk)]
    assert set(Survey.objects.filter(pk__in=[s.pk for s in refused])
               .values_list("skip_reason", "status")) == {("refused", "skipped")}
    # The claim, the four skipped together, the one sent.
    assert len(statements(captured, 'UPDATE "surveys_survey"')) == 3


@pytest.mark.parametrize(("no_proxy", "expected"), [("", "http://proxy.example:3128"),
                                                    ("api.postmarkapp.com", None)])
def test_the_esp_session_reads_the_environment_once_and_keeps_its_proxy(settings, monkeypatch,
                                                                        no_proxy, expected):
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", no_proxy)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/certs/bundle-of-the-house.pem")
    settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
    settings.ANYMAIL = {"POSTMARK_SERVER_TOKEN": "fake-server-token"}
    mail_connection = dispatch.open_mail_connection()
    session = mail_connection.session
    assert not session.trust_env  # no more look-ups per request...
    assert session.proxies.get("https") == expected  # ...but the same outcome
    assert session.verify == "/etc/ssl/certs/bundle-of-the-house.pem"
    mail_connection.close()


def test_a_batch_reuses_one_twilio_client_and_one_esp_session(due_survey, settings):
    from unittest import mock

    from maison import sms

    with responses.RequestsMock() as mocked:
        twilio = use_twilio(settings, mocked)
        postmark = use_postmark(settings, mocked)
        phones = [due_survey(email=None, phone=f"06 12 34 56 7{n}", channel=Channel.TELEPHONE)
                  for n in range(3)]
        emails = [due_survey() for _ in range(2)]
        with mock.patch.object(sms, "get_backend", wraps=sms.get_backend) as sms_backends, \
                mock.patch.object(dispatch, "get_connection",
                                  wraps=dispatch.get_connection) as mail_connections:
            result = send()
    assert result.sent == 5 and len(twilio.sent) == 3 and len(postmark.sent) == 2
    assert sms_backends.call_count == 1 and mail_connections.call_count == 1
    assert {s.status for s in Survey.objects.filter(pk__in=[s.pk for s in phones + emails])} \
        == {Survey.Status.SENT}
