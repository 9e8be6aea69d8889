"""seed_demo: the command, its idempotency, and whether the demo year looks like the real one.

Runs on SQLite and on PostgreSQL (DATABASE_URL); the PostgreSQL-only tests check the COPY
path with indexes dropped and rebuilt around the load.
"""

import io
import random
import re
from collections import Counter
from datetime import timedelta

import phonenumbers
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command
from django.core.validators import validate_email
from django.db import connection
from django.db.models import Count, F, Q
from django.test import Client, override_settings
from django.utils import timezone

import crm.demo as crm_demo
import guichet.demo as guichet_demo
import maison.demo as maison_demo
from crm.models import Category, Consent, ContactPoint, TimelineEntry, Usager
from guichet.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, TEAM
from guichet.demo.clock import BusinessClock, to_datetime
from guichet.demo.tickets import load_tickets
from guichet.demo.volume import CHANNEL_MIX, NATURE_MIX, launch_date
from guichet.models import (
    OPEN_STATUSES,
    Channel,
    KnowledgeArticle,
    Message,
    Queue,
    Status,
    Ticket,
    TicketEvent,
)
from maison import calendar, roles
from maison.demo import Seeded, demo_year, seeded_with, silent_progress
from maison.demo.bulk import is_postgres
from maison.demo.schema import fast_load
from maison.management.commands.seed_demo import demo_modules
from maison.models import Commune, SubTheme

TICKETS = 2000
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
REFERENCE = re.compile(r"^MDS-(\d{4})-(\d{6,})$")


def _seed_rooms(tickets: int) -> list[Seeded]:
    return [module.seed(tickets=tickets, progress=silent_progress)
            for module in (maison_demo, crm_demo, guichet_demo)]


def _wipe_rooms() -> None:
    guichet_demo.reset()
    crm_demo.reset()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """One demo year (maison, crm, guichet) shared by the distribution tests."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), \
            seeded_with(20261125):
        _wipe_rooms()
        results = _seed_rooms(TICKETS)
        yield results
        # Committed outside any test transaction: leave the database as empty as a
        # transactional test does (demo accounts and reference data included), or the next
        # test on this worker meets them.
        call_command("flush", interactive=False, verbosity=0)


# --- The command ------------------------------------------------------------------------------

@pytest.mark.django_db
@override_settings(PASSWORD_HASHERS=FAST_HASHERS)
def test_command_seeds_every_room_then_adds_nothing_the_second_time():
    out = io.StringIO()
    call_command("seed_demo", tickets=150, seed=1, reset=True, interactive=False, stdout=out)
    text = out.getvalue()
    assert "Données de démonstration prêtes" in text
    for username, *_ in DEMO_ACCOUNTS:
        assert f"  {username} " in text and DEMO_PASSWORD in text
    assert Ticket.objects.count() == 150
    counts = _counts()

    again = io.StringIO()
    call_command("seed_demo", tickets=150, seed=1, stdout=again)
    assert "aucune demande ajoutée" in again.getvalue()
    assert "aucun usager ajouté" in again.getvalue()
    assert _counts() == counts


def _counts() -> dict[str, int]:
    models = [Commune, SubTheme, Usager, ContactPoint, Consent, TimelineEntry, Ticket, Message,
              TicketEvent, KnowledgeArticle, Queue, get_user_model()]
    return {model.__name__: model.objects.count() for model in models}


def test_rooms_are_discovered_in_installed_apps_order():
    names = [module.__name__ for module in demo_modules()]
    assert names[:3] == ["maison.demo", "crm.demo", "guichet.demo"]
    order = ["maison", "crm", "guichet", "chatbot", "surveys", "cockpit"]
    rooms = [name.split(".")[0] for name in names]
    assert rooms == sorted(rooms, key=order.index)


@pytest.mark.django_db
def test_command_refuses_outside_debug_without_force(settings):
    settings.DEBUG = False
    settings.TESTING = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", tickets=0, stdout=io.StringIO())


@pytest.mark.django_db
def test_negative_size_is_refused():
    with pytest.raises(CommandError):
        call_command("seed_demo", tickets=-1, stdout=io.StringIO())


# --- Accounts, rules, knowledge base ----------------------------------------------------------

@pytest.mark.django_db
def test_the_four_demo_logins_work(seeded):
    for username, role, *_ in DEMO_ACCOUNTS:
        user = get_user_model().objects.get(username=username)
        validate_password(DEMO_PASSWORD, user)  # the validators accept the documented one
        assert roles.role_of(user) == role
        assert Client().login(username=username, password=DEMO_PASSWORD)


@pytest.mark.django_db
def test_the_team_and_the_queues(seeded):
    agents = get_user_model().objects.filter(groups__name=roles.AGENT)
    assert agents.count() == len(TEAM) + 1
    waste, water = Queue.objects.get(code="dechets"), Queue.objects.get(code="eau-assainissement")
    assert waste.members.filter(username="agent").exists()
    assert waste.members.count() > water.members.count() >= 8
    assignees = set(Ticket.objects.exclude(assignee=None).values_list("assignee__username",
                                                                      flat=True))
    assert "agent" in assignees and len(assignees) > 30


@pytest.mark.django_db
def test_every_subtheme_has_a_useful_article(seeded):
    for subtheme in SubTheme.objects.all():
        article = KnowledgeArticle.objects.get(subtheme=subtheme)
        assert len(article.body) > 300 and "Ce qu" in article.body and article.keywords


# --- Usagers ----------------------------------------------------------------------------------

@pytest.mark.django_db
def test_usagers_spread_over_the_communes_with_valid_contact_points(seeded):
    assert Usager.objects.count() == crm_demo.usager_count_for(TICKETS)
    per_commune = dict(Usager.objects.values_list("commune__name").annotate(n=Count("id")))
    assert per_commune["Trouville-sur-Mer"] > per_commune["Saint-Gatien-des-Bois"] \
        > per_commune.get("Vauville", 0)
    categories = Counter(Usager.objects.values_list("category", flat=True))
    assert categories[Category.RESIDENT_PERMANENT] > categories[Category.RESIDENT_SECONDAIRE] \
        > categories[Category.PROFESSIONNEL] > 0
    assert Usager.objects.filter(category=Category.PROFESSIONNEL).exclude(organisation="") \
        .count() == categories[Category.PROFESSIONNEL]
    for point in ContactPoint.objects.filter(kind="phone"):
        number = phonenumbers.parse(point.value)
        assert phonenumbers.is_valid_number(number) and point.value.startswith("+33")
        assert point.is_mobile == (point.value[3] in "67")
    for point in ContactPoint.objects.filter(kind="email")[:500]:
        validate_email(point.value)
    secondaires = ContactPoint.objects.filter(usager__category=Category.RESIDENT_SECONDAIRE,
                                              kind="phone", is_mobile=False)
    assert secondaires.exists() and all(p.value.startswith("+331") for p in secondaires)


@pytest.mark.django_db
def test_consents_keep_their_proof_and_a_timeline_entry(seeded):
    consents = Consent.objects.select_related("text")
    assert consents.count() > TICKETS * 0.1
    for consent in consents[:200]:
        assert consent.text is not None and consent.proof["text_version"] == consent.text.version
        assert consent.recorded_at >= consent.usager.created_at
        assert TimelineEntry.objects.filter(source_type="crm.consent",
                                            source_id=str(consent.pk)).exists()
    assert consents.filter(given=False).exists()  # some changed their minds


# --- The year of tickets ----------------------------------------------------------------------

@pytest.mark.django_db
def test_references_are_unique_well_formed_and_follow_the_date(seeded):
    rows = list(Ticket.objects.values_list("id", "reference", "created_at").order_by("id"))
    assert len(rows) == TICKETS
    assert len({reference for _, reference, _ in rows}) == TICKETS
    for ticket_id, reference, created_at in rows:
        year, number = REFERENCE.match(reference).groups()
        assert int(number) == ticket_id
        assert int(year) == timezone.localtime(created_at).year
    created = [created_at for *_, created_at in rows]
    assert created == sorted(created)  # numbers grow with time, like the real desk's


@pytest.mark.django_db
def test_summer_weighs_about_three_winter_months(seeded):
    months = Counter(timezone.localtime(moment).month
                     for moment in Ticket.objects.values_list("created_at", flat=True))
    summer = (months[7] + months[8]) / 2
    start, end = demo_year()
    winter_months = [m for m in (12, 1, 2) if m not in (start.month, end.month)]
    winter = sum(months[m] for m in winter_months) / len(winter_months)
    assert 2.2 < summer / winter < 4


@pytest.mark.django_db
def test_channel_and_nature_mix(seeded):
    channels = Counter(Ticket.objects.values_list("channel", flat=True))
    natures = Counter(Ticket.objects.values_list("nature", flat=True))
    for mix, counts in ((CHANNEL_MIX, channels), (NATURE_MIX, natures)):
        total = sum(mix.values())
        for key, weight in mix.items():
            assert abs(counts[key] / TICKETS - weight / total) < 0.01, key
    themes = Counter(Ticket.objects.values_list("theme__code", flat=True))
    assert themes.most_common(2)[0][0] == "collecte" and themes["tri"] > themes["eau"]


@pytest.mark.django_db
def test_phone_and_counter_only_in_opening_hours_water_only_since_its_launch(seeded):
    for moment in Ticket.objects.filter(channel__in=[Channel.TELEPHONE, Channel.ACCUEIL]) \
            .values_list("created_at", flat=True):
        assert calendar.is_open(moment)
    written = Ticket.objects.filter(channel__in=[Channel.EMAIL, Channel.CHATBOT])
    night = [m for m in written.values_list("created_at", flat=True)
             if not calendar.is_open(m)]
    assert len(night) > written.count() * 0.3  # residents write evenings and week-ends
    launched = launch_date(timezone.localdate())
    water = Ticket.objects.filter(theme__code__in=["eau", "assainissement"])
    assert water.exists()
    assert all(timezone.localtime(m).date() >= launched
               for m in water.values_list("created_at", flat=True))


@pytest.mark.django_db
def test_deadlines_timestamps_and_statuses_are_consistent(seeded):
    tickets = Ticket.objects.all()
    assert not tickets.filter(due_at__lte=F("created_at")).exists()
    assert not tickets.filter(first_response_due_at__lte=F("created_at")).exists()
    assert not tickets.filter(first_response_at__lt=F("created_at")).exists()
    assert not tickets.filter(resolved_at__lt=F("first_response_at")).exists()
    assert not tickets.filter(status=Status.CLOS, closed_at=None).exists()
    assert not tickets.filter(status__in=[Status.CLOS, Status.RESOLU], resolved_at=None).exists()
    assert not tickets.filter(status__in=OPEN_STATUSES).exclude(
        resolved_at=None, closed_at=None).exists()
    assert not tickets.filter(created_at__gt=timezone.now()).exists()
    closed = tickets.filter(status=Status.CLOS)
    in_time = closed.filter(resolved_at__lte=F("due_at")).count() / closed.count()
    assert 0.85 < in_time < 0.96
    overdue = tickets.filter(status__in=OPEN_STATUSES, due_at__lt=timezone.now())
    assert overdue.exists()
    assert tickets.filter(status__in=OPEN_STATUSES, assignee__username="agent").exists()


@pytest.mark.django_db
def test_sla_deadlines_follow_the_business_calendar(seeded):
    for ticket in Ticket.objects.select_related("theme").order_by("?")[:50]:
        policy = guichet_demo.sla_map()
        hours, days = policy.get((ticket.nature, ticket.theme_id)) or policy[(ticket.nature, None)]
        assert ticket.due_at == calendar.add_working_days(ticket.created_at, days)
        assert ticket.first_response_due_at == calendar.add_business_hours(ticket.created_at,
                                                                           hours)


@pytest.mark.django_db
def test_each_ticket_has_its_messages_history_and_timeline(seeded):
    without_inbound = Ticket.objects.exclude(
        messages__direction__in=[Message.Direction.IN, Message.Direction.CALL])
    assert not without_inbound.exists()
    answered = Ticket.objects.filter(messages__direction__in=[Message.Direction.OUT,
                                                              Message.Direction.NOTE]).distinct()
    assert answered.count() > TICKETS * 0.85
    assert not Ticket.objects.exclude(events__kind=TicketEvent.Kind.CREATED).exists()
    for ticket in Ticket.objects.order_by("?")[:100]:
        statuses = list(ticket.events.filter(kind__in=["status", "reopened"])
                        .order_by("created_at", "id").values_list("old_value", "new_value"))
        if statuses:  # the trail walks the workflow up to the current status
            assert statuses[0][0] == Status.NOUVEAU and statuses[-1][1] == ticket.status
            assert all(a[1] == b[0] for a, b in zip(statuses, statuses[1:], strict=False))
        else:
            assert ticket.status == Status.NOUVEAU
        if ticket.usager_id:
            assert TimelineEntry.objects.filter(source_type="guichet.ticket",
                                                source_id=str(ticket.pk),
                                                ticket_reference=ticket.reference).exists()
        for message in ticket.messages.all():
            assert message.created_at >= ticket.created_at
            if message.direction == Message.Direction.OUT:
                assert message.to_address and message.delivery_status and message.author_user_id
    outbound = Message.objects.filter(direction=Message.Direction.OUT, channel=Channel.EMAIL)
    assert outbound.filter(body__contains="Bonjour").count() == outbound.count()


@pytest.mark.django_db
def test_usagers_first_and_last_contact_match_their_tickets(seeded):
    for usager in Usager.objects.filter(tickets__isnull=False).distinct()[:100]:
        first = usager.tickets.order_by("created_at").first()
        assert usager.created_at < first.created_at
        assert usager.last_contact_at >= usager.tickets.order_by("-created_at")[0].created_at


@pytest.mark.django_db
@override_settings(PASSWORD_HASHERS=FAST_HASHERS)
def test_a_second_seed_adds_nothing_and_says_so(seeded):
    before = _counts()
    results = _seed_rooms(TICKETS)
    assert _counts() == before
    notes = " ".join(note for result in results for note in result.notes)
    assert "aucun usager ajouté" in notes and "aucune demande ajoutée" in notes


# --- Business clock ---------------------------------------------------------------------------

@pytest.mark.django_db
def test_business_clock_agrees_with_the_calendar(reference_data):
    start, end = demo_year()
    clock = BusinessClock(start.date(), end.date() + timedelta(days=60))
    rng = random.Random(7)
    for _ in range(400):
        moment = int(start.timestamp()) + rng.randrange(int((end - start).total_seconds()))
        as_datetime = to_datetime(moment)
        for hours in (2, 4, 8):
            assert to_datetime(clock.add_business_hours(moment, hours)) \
                == calendar.add_business_hours(as_datetime, hours)
        for days in (1, 2, 3, 5, 10):
            assert to_datetime(clock.add_working_days(moment, days)) \
                == calendar.add_working_days(as_datetime, days)
        assert clock.is_open(moment) == calendar.is_open(as_datetime)


# --- The million-row path (PostgreSQL) --------------------------------------------------------

def _schema(tables) -> set:
    """Indexes and constraints of the tables, compared by meaning: a rebuilt partial index's
    predicate is deparsed with its casts in another place (ARRAY[x::text] for
    ARRAY[x]::text[]) though it is the same predicate to the planner."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.relname, i.relname, am.amname, ix.indisunique, ix.indoption::text,
                      (SELECT string_agg(pg_get_indexdef(ix.indexrelid, k + 1, true), ','
                                         ORDER BY k)
                         FROM generate_subscripts(ix.indkey, 1) k),
                      pg_get_expr(ix.indpred, ix.indrelid)
               FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid
               JOIN pg_class c ON c.oid = ix.indrelid JOIN pg_am am ON am.oid = i.relam
               WHERE c.relname = ANY(%s)""", [list(tables)])
        indexes = {(*row[:6], _predicate(row[6])) for row in cursor.fetchall()}
        cursor.execute("SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                       "FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s)",
                       [list(tables)])
        return indexes | set(cursor.fetchall())


def _predicate(text: str | None) -> str | None:
    return None if text is None else re.sub(r"::[a-z ]+(\[\])?|ARRAY|[()\[\]\s]", "", text)


BIG_TABLES = ["guichet_ticket", "guichet_message", "guichet_ticketevent", "crm_timelineentry",
              "crm_usager"]


@pytest.mark.django_db
def test_streamed_load_rebuilds_the_schema_exactly(seeded):
    if not is_postgres():
        pytest.skip("COPY, streaming and index rebuild are PostgreSQL's path")
    before_schema = _schema(BIG_TABLES)
    before = Ticket.objects.count()
    with seeded_with(3):
        counts = load_tickets(300, silent_progress, agents=guichet_demo.roster(),
                              queues=guichet_demo.queue_map(), sla=guichet_demo.sla_map(),
                              fast=True, rich=False)
    assert _schema(BIG_TABLES) == before_schema
    assert Ticket.objects.count() == before + 300 == before + counts["demandes"]
    new = Ticket.objects.order_by("-id")[:300]
    assert all(REFERENCE.match(ticket.reference) for ticket in new)
    essential = TicketEvent.objects.filter(ticket__in=list(new)).values("ticket") \
        .annotate(n=Count("id")).filter(n__gt=3)
    assert not essential.exists()  # at scale: created, taken, closed
    # The sequences moved past the rows written with explicit ids.
    extra = Ticket.objects.create(channel=Channel.EMAIL, subject="Après la démo",
                                  created_at=timezone.now())
    assert extra.pk > new[0].pk
    assert Message.objects.filter(ticket__in=list(new)).exclude(
        Q(body="") | Q(channel="")).count() >= 300


@pytest.mark.django_db
def test_a_failed_load_leaves_the_schema_as_it_was(reference_data):
    if not is_postgres():
        pytest.skip("PostgreSQL drops and rebuilds indexes")
    before = _schema(BIG_TABLES)
    with pytest.raises(RuntimeError), fast_load(Ticket, Message, TicketEvent, TimelineEntry):
        assert _schema(BIG_TABLES) != before  # dropped for the load
        raise RuntimeError("interrupted")
    assert _schema(BIG_TABLES) == before


@pytest.mark.django_db
def test_a_spooled_copy_writes_exactly_what_a_plain_loader_writes(reference_data):
    if not is_postgres():
        pytest.skip("COPY spools are PostgreSQL's path")
    from datetime import UTC, datetime

    from maison.demo.bulk import CopySpool, TableLoader

    ticket = Ticket.objects.create(channel=Channel.EMAIL, subject="Spool",
                                   created_at=timezone.now())
    columns = ["ticket_id", "direction", "channel", "subject", "body", "public", "sent_at",
               "created_at"]
    at = datetime(2026, 3, 29, 1, 59, 59, 999999, tzinfo=UTC)
    body = "Tab\tligne\nretour\r barre \\ oblique — é ☃ \\N"
    rows = [(ticket.pk, Message.Direction.IN, Channel.EMAIL, "Objet", body, False, None, at),
            (ticket.pk, Message.Direction.OUT, Channel.SMS, "", "", True, at, at)]
    for loader in (CopySpool(Message, columns), TableLoader(Message, columns)):
        loader.extend(rows)
        loader.close()
    written = list(Message.objects.filter(ticket=ticket).order_by("id")
                   .values_list(*columns))
    assert written[:2] == written[2:]
    assert written[0][4] == body and written[1][6] == at and written[0][6] is None


@pytest.mark.django_db(transaction=True)
def test_a_load_outside_a_transaction_leaves_the_tables_vacuumed_and_analysed(reference_data):
    if not is_postgres():
        pytest.skip("VACUUM is PostgreSQL's")
    before = _schema(["guichet_ticket"])
    with fast_load(Ticket):
        Ticket.objects.create(channel=Channel.EMAIL, subject="Chargé", created_at=timezone.now())
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
        cursor.execute("SELECT last_vacuum IS NOT NULL, last_analyze IS NOT NULL "
                       "FROM pg_stat_user_tables WHERE relname = %s", [Ticket._meta.db_table])
        assert cursor.fetchone() == (True, True)
    assert _schema(["guichet_ticket"]) == before
