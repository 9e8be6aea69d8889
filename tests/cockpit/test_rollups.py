"""The rollups follow the tickets incrementally, and a rebuild gives the same rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from cockpit import figures, rebuild, rollups
from cockpit.measures import ROLLUP_MEASURES
from cockpit.models import (
    ALL_CHANNELS,
    ALL_IDS,
    OpenTicket,
    Rollup,
    RollupState,
    SubthemeRollup,
    TicketFact,
)
from cockpit.periods import choose, today
from guichet import services
from guichet.indicators import Scope
from guichet.models import OPEN_STATUSES, Channel, CloseReason, Nature, Status, Ticket
from maison.models import Commune, Theme

from . import direct
from .conftest import seed_tickets

pytestmark = pytest.mark.usefixtures("reference_data")


def snapshot() -> dict:
    rows = {("open", row["ticket_id"]): row for row in OpenTicket.objects.values()}
    for model in (Rollup, SubthemeRollup):
        for row in model.objects.all():
            key = (model.__name__, row.grain, row.period, row.commune_id, row.theme_id,
                   getattr(row, "subtheme_id", None), row.channel)
            rows[key] = {field.name: getattr(row, field.name)
                         for field in model._meta.concrete_fields if field.name != "id"}
    return rows


def thirty_days(scope: Scope | None = None):
    return figures.totals(choose("30j").period, scope or Scope())


def test_a_new_ticket_and_its_closure_show_after_catch_up(on_commit):
    rollups.catch_up()
    assert thirty_days().created == 0
    with on_commit(execute=True):
        ticket = services.receive(channel=Channel.SMS, body="Encombrants à enlever",
                                  phone="0612345678", nature=Nature.RENDEZ_VOUS).ticket
    assert rollups.catch_up() == 1
    sums = thirty_days()
    assert sums.created == 1 and sums["s_nouveau"] == 1 and sums["n_rendez_vous"] == 1
    services.change_status(ticket=ticket, status=Status.CLOS, close_reason=CloseReason.TRAITE)
    assert rollups.catch_up() == 1
    sums = thirty_days()
    assert sums.created == 1 and sums["s_clos"] == 1 and sums["s_nouveau"] == 0
    assert sums["res_count"] == 1 and sums["res_met"] == 1
    assert rollups.catch_up() == 0  # nothing new: idempotent


def test_requalifying_moves_the_ticket_between_rows():
    ticket = services.open_ticket(channel=Channel.EMAIL, subject="Question")
    rollups.catch_up()
    deauville = Commune.objects.get(slug="deauville")
    tri = Theme.objects.get(code="tri")
    services.update_ticket(ticket=ticket, commune=deauville, theme=tri,
                           nature=Nature.RECLAMATION)
    rollups.catch_up()
    assert thirty_days(Scope(commune_id=deauville.pk, theme_id=tri.pk)).complaints == 1
    assert thirty_days(Scope(theme_id=0)).created == 1  # the theme filter is off at 0
    assert Rollup.objects.filter(theme_id=0).count() == 0  # the old row, emptied, is gone
    assert SubthemeRollup.objects.filter(theme_id=tri.pk).exists()


def test_spam_is_taken_out_and_comes_back_when_reopened():
    ticket = services.open_ticket(channel=Channel.EMAIL, subject="Gagnez un iPhone")
    rollups.catch_up()
    services.change_status(ticket=ticket, status=Status.CLOS, close_reason=CloseReason.SPAM)
    rollups.catch_up()
    assert thirty_days().created == 0 and not TicketFact.objects.exists()
    services.change_status(ticket=ticket, status=Status.EN_COURS)
    rollups.catch_up()
    assert thirty_days().created == 1


def test_incremental_updates_equal_a_rebuild():
    seed_tickets(150, seed=3)
    rollups.catch_up()
    tickets = list(Ticket.objects.order_by("pk")[:40])
    for index, ticket in enumerate(tickets):
        if ticket.status in (Status.RESOLU, Status.CLOS):
            services.change_status(ticket=ticket, status=Status.EN_COURS)
        elif index % 2:
            services.change_status(ticket=ticket, status=Status.RESOLU)
        else:
            services.update_ticket(ticket=ticket, nature=Nature.SIGNALEMENT)
    rollups.catch_up()
    incremental = snapshot()
    rebuild.rebuild()
    assert snapshot() == incremental


def test_a_change_that_commits_late_is_caught_by_the_overlap():
    ticket = services.open_ticket(channel=Channel.EMAIL, subject="Question")
    rollups.catch_up()
    state = RollupState.objects.get()
    # Written with an updated_at just before the watermark (a transaction that took long).
    Ticket.objects.filter(pk=ticket.pk).update(
        nature=Nature.RECLAMATION, updated_at=state.watermark - timedelta(seconds=5))
    assert rollups.catch_up(recheck_overlap=False) == 0  # page loads don't look back…
    assert rollups.catch_up() == 1  # …the beat task does
    assert thirty_days().complaints == 1


def test_page_loads_apply_a_bounded_number_of_changes():
    for index in range(7):
        services.open_ticket(channel=Channel.EMAIL, subject=f"Q{index}")
    assert rollups.catch_up(max_tickets=3, recheck_overlap=False) == 3
    assert thirty_days().created == 3
    assert rollups.catch_up() == 4  # the beat task does the rest
    assert thirty_days().created == 7


def test_reconcile_repairs_a_change_made_without_updated_at_and_deleted_tickets():
    seed_tickets(30, seed=5)
    rollups.catch_up()
    counted = list(TicketFact.objects.order_by("ticket_id").values_list("ticket_id", flat=True))
    ticket = Ticket.objects.get(pk=counted[0])
    old_updated = timezone.now() - timedelta(days=3)  # long before the watermark
    Ticket.objects.filter(pk=ticket.pk).update(
        channel=Channel.COURRIER if ticket.channel != Channel.COURRIER else Channel.SMS,
        updated_at=old_updated)
    gone = Ticket.objects.get(pk=counted[-1])
    gone.events.all().delete()
    gone.messages.all().delete()
    Ticket.objects.filter(pk=gone.pk).delete()
    assert rollups.catch_up() == 0  # invisible to the watermark
    assert rollups.reconcile() == 2
    after = snapshot()
    rebuild.rebuild()
    assert snapshot() == after


def test_rebuild_command_with_progress_and_state(capsys):
    seed_tickets(20, seed=11)
    call_command("cockpit_rebuild")
    state = RollupState.objects.get()
    assert not state.rebuilding and state.rebuilt_at and state.watermark
    assert TicketFact.objects.count() == len(direct.counted(Ticket.objects.all()))
    everything = Rollup.objects.filter(commune_id=ALL_IDS, theme_id=ALL_IDS,
                                       channel=ALL_CHANNELS)
    month = everything.filter(grain="M").values_list("created", flat=True)
    day = everything.filter(grain="D").values_list("created", flat=True)
    assert sum(month) == sum(day) == TicketFact.objects.count()
    # every cell of the cube adds up to the same total
    by_channel = Rollup.objects.filter(grain="M", commune_id=ALL_IDS, theme_id=ALL_IDS).exclude(
        channel=ALL_CHANNELS).values_list("created", flat=True)
    assert sum(by_channel) == TicketFact.objects.count()
    assert OpenTicket.objects.count() == TicketFact.objects.filter(
        status__in=OPEN_STATUSES).count()
    assert "20" in capsys.readouterr().err  # tqdm's progress bar went to stderr


def test_catch_up_pages_through_many_changes_with_the_same_timestamp():
    tickets = [services.open_ticket(channel=Channel.EMAIL, subject=f"Q{i}") for i in range(25)]
    moment = timezone.now()
    Ticket.objects.filter(pk__in=[t.pk for t in tickets]).update(updated_at=moment)
    assert rollups.catch_up(page_size=10) == 25
    assert thirty_days().created == 25


def test_every_rollup_measure_is_a_column():
    fields = {field.name for field in Rollup._meta.concrete_fields}
    assert set(ROLLUP_MEASURES) <= fields
    assert today() == timezone.localdate()
