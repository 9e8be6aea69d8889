"""When a survey becomes due, to whom, and that each ticket gets exactly one."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection

from guichet import services as guichet_services
from guichet.models import Channel, Status, Ticket
from surveys import planning, window
from surveys.models import PlanningWatermark, Survey

from .conftest import TUESDAY_10H, paris

pytestmark = pytest.mark.usefixtures("reference_data")
AFTER = TUESDAY_10H + timedelta(minutes=5)


def plan(now=AFTER):
    return planning.plan_surveys(now=now)


# --- The sending window -------------------------------------------------------------------------

@pytest.mark.parametrize(("resolved", "due"), [
    (paris(2026, 3, 10, 10, 0), paris(2026, 3, 10, 12, 0)),   # Tuesday morning: +2 h
    (paris(2026, 3, 10, 17, 30), paris(2026, 3, 11, 9, 0)),   # 19:30 is after hours: next 9:00
    (paris(2026, 3, 10, 5, 0), paris(2026, 3, 10, 9, 0)),     # 7:00 is too early: 9:00
    (paris(2026, 3, 14, 18, 0), paris(2026, 3, 16, 9, 0)),    # Saturday evening: not Sunday
    (paris(2026, 4, 30, 18, 0), paris(2026, 5, 2, 9, 0)),     # 1 May (holiday) is skipped
    (paris(2026, 3, 14, 16, 0), paris(2026, 3, 14, 18, 0)),   # Saturday afternoon is fine
])
def test_due_after_the_delay_within_sending_hours(resolved, due):
    assert window.due_at_for(resolved) == due


def test_the_window_follows_the_settings(settings):
    settings.SURVEYS_DELAY_AFTER_RESOLUTION_MINUTES = 30
    settings.SURVEYS_SENDING_HOURS = ("10:00", "12:00")
    assert window.due_at_for(paris(2026, 3, 10, 9, 0)) == paris(2026, 3, 10, 10, 0)
    assert window.due_at_for(paris(2026, 3, 10, 11, 45)) == paris(2026, 3, 11, 10, 0)


# --- Planning -----------------------------------------------------------------------------------

def test_a_resolved_ticket_gets_one_due_survey_by_email(make_ticket, agent):
    ticket = make_ticket()
    result = plan()
    survey = Survey.objects.get(ticket=ticket)
    assert (result.due, result.skipped) == (1, 0)
    assert survey.status == Survey.Status.DUE and survey.channel == "email"
    assert survey.due_at == TUESDAY_10H + timedelta(hours=2)
    assert survey.contact_point.value == ticket.usager.contact_points.get().value
    assert survey.ticket_reference == ticket.reference and survey.agent == agent
    assert survey.token_hash and len(survey.token_hash) == 64


def test_planning_again_restarting_or_overlapping_creates_nothing_more(make_ticket):
    make_ticket()
    make_ticket(status=Status.CLOS)
    plan()
    plan()
    PlanningWatermark.objects.update(resolved_until=None)  # a restart from scratch
    plan(AFTER + timedelta(minutes=1))
    assert Survey.objects.count() == 2


def test_only_tickets_resolved_since_the_watermark_are_scanned(make_ticket):
    make_ticket()
    assert plan().scanned == 1
    later = make_ticket(resolved_at=TUESDAY_10H + timedelta(hours=1))
    result = plan(TUESDAY_10H + timedelta(hours=1, minutes=1))
    assert result.due == 1 and Survey.objects.filter(ticket=later).exists()
    # The overlap re-reads recent tickets without planning them twice.
    assert result.scanned == 1 + 1 and Survey.objects.count() == 2


def test_an_open_ticket_gets_no_survey(make_ticket):
    ticket = make_ticket()
    guichet_services.change_status(ticket=ticket, status=Status.EN_COURS)
    plan()
    assert not Survey.objects.exists()


@pytest.mark.parametrize(("close_reason", "reason"), [("spam", "spam"),
                                                      ("doublon", "duplicate")])
def test_no_survey_for_spam_or_duplicates(make_ticket, close_reason, reason):
    ticket = make_ticket(status=Status.CLOS, close_reason=close_reason)
    plan()
    survey = Survey.objects.get(ticket=ticket)
    assert survey.status == Survey.Status.SKIPPED and survey.skip_reason == reason
    assert survey.token_hash is None


def test_no_survey_without_a_valid_contact_point(make_ticket):
    ticket = make_ticket(email=None, phone="02 31 88 00 00", channel=Channel.TELEPHONE)
    plan()  # a landline only: no email, no SMS
    assert Survey.objects.get(ticket=ticket).skip_reason == Survey.SkipReason.NO_CONTACT


def test_an_invalidated_email_is_not_used(make_ticket):
    from crm import services as crm_services

    ticket = make_ticket(email="rebond@example.fr")
    crm_services.mark_contact_point_invalid(kind="email", value="rebond@example.fr",
                                            reason="hard bounce")
    plan()
    assert Survey.objects.get(ticket=ticket).skip_reason == Survey.SkipReason.NO_CONTACT


def test_phone_contacts_are_surveyed_by_sms(make_ticket):
    ticket = make_ticket(email="x{n}@example.fr", phone="06 12 34 56 78",
                         channel=Channel.TELEPHONE)
    plan()
    survey = Survey.objects.get(ticket=ticket)
    assert survey.channel == "sms" and survey.contact_point.value == "+33612345678"


def test_an_email_contact_falls_back_to_sms_when_no_email(make_ticket):
    ticket = make_ticket(email=None, phone="06 12 34 56 79", channel=Channel.ACCUEIL)
    plan()
    assert Survey.objects.get(ticket=ticket).channel == "sms"


def test_no_survey_to_a_usager_who_refused_them(make_ticket, refuse_surveys):
    first = make_ticket()
    refuse_surveys(first.usager)
    plan()
    assert Survey.objects.get(ticket=first).skip_reason == Survey.SkipReason.REFUSED


def test_a_refusal_by_email_leaves_sms_only_if_not_refused_there(make_ticket, refuse_surveys):
    ticket = make_ticket(phone="06 12 34 56 70")
    refuse_surveys(ticket.usager, "email")
    plan()
    assert Survey.objects.get(ticket=ticket).channel == "sms"


def test_a_ticket_without_usager_gets_no_survey(make_ticket):
    ticket = make_ticket(email=None)
    plan()
    assert Survey.objects.get(ticket=ticket).skip_reason == Survey.SkipReason.NO_USAGER


def test_a_theme_can_be_left_out_of_surveys(make_ticket, superviseur):
    from maison.models import Theme
    from surveys import services

    theme = Theme.objects.get(code="eau")
    services.save_template(theme=theme, user=superviseur, enabled=False)
    ticket = make_ticket(theme=theme)
    plan()
    assert Survey.objects.get(ticket=ticket).skip_reason == Survey.SkipReason.THEME_DISABLED


# --- One survey per usager per period -----------------------------------------------------------

def test_at_most_one_survey_per_usager_per_period(make_ticket):
    first = make_ticket(email="marie@example.fr")
    second = make_ticket(email="marie@example.fr", resolved_at=TUESDAY_10H + timedelta(minutes=1))
    plan(AFTER + timedelta(minutes=1))
    assert Survey.objects.get(ticket=first).status == Survey.Status.DUE
    assert Survey.objects.get(ticket=second).skip_reason == Survey.SkipReason.RECENT_SURVEY
    later = TUESDAY_10H + timedelta(days=31)
    third = make_ticket(email="marie@example.fr", resolved_at=later)
    plan(later + timedelta(minutes=5))
    assert Survey.objects.get(ticket=third).status == Survey.Status.DUE


def test_the_period_is_configurable(make_ticket, settings):
    settings.SURVEYS_PER_USAGER_PERIOD_DAYS = 0
    make_ticket(email="paul@example.fr")
    make_ticket(email="paul@example.fr")
    plan()
    assert Survey.objects.filter(status=Survey.Status.DUE).count() == 2


# --- Reopened tickets ---------------------------------------------------------------------------

def test_a_ticket_reopened_before_sending_is_surveyed_once_resolved_again(make_ticket, agent):
    from surveys import dispatch

    ticket = make_ticket()
    plan()
    guichet_services.change_status(ticket=ticket, status=Status.EN_COURS, actor=agent)
    dispatch.dispatch_due(now=TUESDAY_10H + timedelta(hours=2), respect_window=False)
    survey = Survey.objects.get(ticket=ticket)
    assert survey.skip_reason == Survey.SkipReason.REOPENED
    guichet_services.change_status(ticket=ticket, status=Status.RESOLU, actor=agent)
    Ticket.objects.filter(pk=ticket.pk).update(resolved_at=TUESDAY_10H + timedelta(days=1))
    plan(TUESDAY_10H + timedelta(days=1, minutes=5))
    survey = Survey.objects.get(ticket=ticket)
    assert survey.status == Survey.Status.DUE


# --- Concurrency: the database decides ----------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_concurrent_planners_create_one_survey_per_ticket(make_ticket):
    if connection.vendor != "postgresql":
        pytest.skip("row locks between connections are a PostgreSQL matter")
    for _ in range(20):
        make_ticket()
    errors = []

    def run():
        try:
            plan()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert Survey.objects.count() == 20
    assert Survey.objects.values("ticket").distinct().count() == 20


def test_the_unique_constraint_refuses_a_second_survey(make_ticket):
    from django.db import IntegrityError, transaction

    ticket = make_ticket()
    plan()
    survey = Survey.objects.get(ticket=ticket)
    with pytest.raises(IntegrityError), transaction.atomic():
        Survey.objects.create(ticket=ticket, ticket_reference="x", ticket_channel="email",
                              resolved_at=survey.resolved_at, due_at=survey.due_at)
