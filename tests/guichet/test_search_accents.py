"""Search ignores accents and case: names ("Lefevre" finds "Lefèvre", "helene" finds "Hélène")
in the back office's search, the counter's look-up and the CRM's list, through trigram indexes
on mds_unaccent(); words of requests ("decheterie") through the mds_french text search
configuration. On SQLite, mds_unaccent is a Python function."""

import pytest
from django.db import connection, transaction
from django.db.models import Value
from django.db.models.functions import Upper
from django.db.models.sql import Query
from django.db.utils import ConnectionHandler

from crm import selectors as crm_selectors
from crm.models import Usager
from crm.unaccent import Unaccent, fold
from guichet import selectors, services
from guichet.models import Channel

pytestmark = pytest.mark.usefixtures("reference_data")


@pytest.fixture
def helene(db):
    return services.receive(channel=Channel.EMAIL, email="helene@example.fr",
                            first_name="Hélène", last_name="Lefèvre",
                            subject="Bac non vidé", body="Mon bac n’a pas été vidé.").ticket


@pytest.fixture
def boulangerie(db):
    ticket = services.receive(channel=Channel.EMAIL, email="pain@example.fr",
                              subject="Redevance", body="Question sur la redevance.").ticket
    Usager.objects.filter(pk=ticket.usager_id).update(organisation="Boulangerie Œuvre du Pré")
    return ticket


@pytest.mark.parametrize("typed", ["lefevre", "LEFEVRE", "Lefèvre", "helene", "Hélène lefevre",
                                   "HELENE", "lefe"])
def test_back_office_search_by_name_ignores_accents(helene, agent, typed):
    assert [t.pk for t in selectors.search_tickets(typed, user=agent)] == [helene.pk]


def test_organisation_found_without_accents_or_ligature(boulangerie, agent):
    assert [t.pk for t in selectors.search_tickets("oeuvre du pre", user=agent)] == [
        boulangerie.pk]


def test_counter_lookup_and_crm_list_ignore_accents(helene):
    assert [u.last_name for u in selectors.search_usagers("helene")] == ["Lefèvre"]
    assert [u.first_name for u in crm_selectors.search_usagers(query="lefevre")] == ["Hélène"]
    assert [u.first_name for u in crm_selectors.search_usagers(query="Helene LEFEVRE")] == [
        "Hélène"]
    assert not crm_selectors.search_usagers(query="lefebvre").exists()


def test_erased_usager_is_not_found_even_without_accents(helene):
    Usager.objects.filter(pk=helene.usager_id).update(erased_at=helene.created_at)
    assert not selectors.usagers_by_name("lefevre").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's trigram indexes")
@pytest.mark.parametrize("field", ["last_name", "first_name", "organisation"])
def test_postgres_name_search_reads_the_unaccent_trigram_indexes(helene, field):
    usagers = crm_selectors.usagers_named(["lefevre"])
    sql, params = usagers.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"usager_{field}_unaccent_idx" in plan


@pytest.mark.parametrize("typed", ["decheterie", "DÉCHÈTERIE", "horaires decheterie"])
def test_words_of_requests_found_without_accents(agent, typed):
    ticket = services.receive(channel=Channel.EMAIL, email="jean@example.fr",
                              subject="Horaires déchèterie",
                              body="Quand ouvre la déchèterie de Touques ?").ticket
    assert [t.pk for t in selectors.search_tickets(typed, user=agent)] == [ticket.pk]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's GIN indexes")
def test_postgres_word_search_reads_the_unaccent_full_text_indexes(helene, agent):
    from django.contrib.postgres.search import SearchQuery, SearchVector

    from guichet.models import Message, Ticket

    query = SearchQuery("decheterie", config=selectors.FTS_CONFIG, search_type="websearch")
    for model, field, index in [(Ticket, "subject", "ticket_subject_unaccent_idx"),
                                (Message, "body", "message_body_unaccent_idx")]:
        found = model.objects.annotate(
            fts=SearchVector(field, config=selectors.FTS_CONFIG)).filter(fts=query)
        sql, params = found.values("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            # Bitmap scans only: they need an index condition, so only an index built on the
            # same expression can serve (a plain index scan could walk the primary key and
            # filter, which some plans prefer on a table this small).
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            assert index in "\n".join(row[0] for row in cursor.fetchall())


def test_fold_removes_accents_and_french_ligatures():
    assert fold("Hélène LEFÈVRE, Œuvre à Bénerville-sur-Mer") == (
        "Helene LEFEVRE, OEuvre a Benerville-sur-Mer")
    assert fold(None) is None


def test_sqlite_fallback_unaccents_in_python():
    """SQLite's UPPER() leaves "é" as it is; its LIKE ignores ASCII case: once unaccented, the
    stored name and the typed word match whatever their accents and case."""
    sqlite = ConnectionHandler({"default": {"ENGINE": "django.db.backends.sqlite3",
                                            "NAME": ":memory:"}})["default"]
    compiler = Query(Usager).get_compiler(connection=sqlite)

    def folded(text):
        return compiler.compile(Unaccent(Upper(Value(text))))

    try:
        with sqlite.cursor() as cursor:
            (stored, stored_params), (typed, typed_params) = folded("Hélène"), folded("HELENE")
            cursor.execute(f"SELECT {stored}, {stored} LIKE '%%' || {typed} || '%%'",
                           [*stored_params, *stored_params, *typed_params])
            assert cursor.fetchone() == ("HeLeNE", 1)
    finally:
        sqlite.close()


def _planner_settings():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('enable_seqscan'), current_setting('work_mem')")
        return cursor.fetchone()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner settings")
@pytest.mark.django_db(transaction=True)
def test_text_search_leaves_the_planner_settings_as_they_were(helene, agent):
    """Outside a transaction (a request) and inside one (a service), the bitmap-only
    settings of the full-text search never outlive it."""
    before = _planner_settings()
    assert [t.pk for t in selectors.search_tickets("vidé", user=agent)] == [helene.pk]
    assert _planner_settings() == before
    with transaction.atomic():
        assert [t.pk for t in selectors.search_tickets("vidé", user=agent)] == [helene.pk]
        assert _planner_settings() == before
