"""guichet.selectors: the back office's and the API's reads."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from crm.models import Usager
from guichet import selectors, services
from guichet.models import Channel, KnowledgeArticle, Message, Nature, Queue, Status, Ticket
from maison import roles
from maison.models import Commune, Theme

pytestmark = pytest.mark.usefixtures("reference_data")


def receive(**kwargs):
    defaults = {"channel": Channel.EMAIL, "body": "Bonjour, mon bac n’a pas été vidé.",
                "subject": "Bac non vidé", "email": "marie.durand@example.fr",
                "first_name": "Marie", "last_name": "Durand"}
    return services.receive(**{**defaults, **kwargs}).ticket


@pytest.fixture
def tickets(agent, superviseur):
    collecte, eau = Theme.objects.get(code="collecte"), Theme.objects.get(code="eau")
    honfleur = Commune.objects.order_by("name").first()
    deauville = Commune.objects.get(name="Deauville")
    mine = receive(theme=collecte, commune=deauville)
    services.assign(ticket=mine, assignee=agent, actor=agent)
    water = receive(channel=Channel.SMS, phone="06 12 34 56 78", email=None,
                    first_name="Paul", last_name="Lefèvre", subject="Fuite rue des Lilas",
                    body="Une fuite d’eau devant chez moi", theme=eau, commune=honfleur,
                    nature=Nature.SIGNALEMENT)
    services.assign(ticket=water, assignee=superviseur, actor=superviseur)
    done = receive(email="jean@example.fr", first_name="Jean", last_name="Martin",
                   subject="Horaires déchèterie", body="Quand ouvre la déchèterie ?")
    services.change_status(ticket=done, status=Status.CLOS, actor=agent)
    late = receive(email="luc.petit@example.fr", first_name="Luc", last_name="Petit",
                   subject="Encombrants", body="Canapé à enlever",
                   received_at=timezone.now() - timedelta(days=30))
    return {"mine": mine, "water": water, "done": done, "late": late}


def refs(queryset):
    return [ticket.reference for ticket in queryset]


def test_scopes_mine_team_all(tickets, agent):
    eau_team = Queue.objects.get(code="eau-assainissement")
    eau_team.members.add(agent)
    open_only = {"status": "open"}
    assert refs(selectors.ticket_queue(user=agent, scope="mine", filters=open_only)) == [
        tickets["mine"].reference]
    assert refs(selectors.ticket_queue(user=agent, scope="team", filters=open_only)) == [
        tickets["water"].reference]
    assert set(refs(selectors.ticket_queue(user=agent, scope="all", filters=open_only))) == {
        tickets["mine"].reference, tickets["water"].reference, tickets["late"].reference}


def test_an_agent_outside_every_queue_sees_the_whole_service_as_team(tickets, agent):
    team = selectors.ticket_queue(user=agent, scope="team", filters={"status": "open"})
    assert team.count() == 3


def test_elu_gets_nothing(tickets, elu):
    assert not selectors.ticket_queue(user=elu, scope="all").exists()
    assert not selectors.search_tickets("bac", user=elu).exists()
    assert all(int(count) == 0 for count in selectors.queue_counts(user=elu).values())


@pytest.mark.parametrize("filters, expected", [
    ({"status": "done"}, ["done"]),
    ({"status": Status.CLOS}, ["done"]),
    ({"status": "open", "channel": Channel.SMS}, ["water"]),
    ({"status": "open", "nature": Nature.SIGNALEMENT}, ["water"]),
    ({"status": "", "overdue": True}, ["late"]),
    ({"status": "open", "unassigned": True}, ["late"]),
])
def test_filters(tickets, agent, filters, expected):
    found = selectors.ticket_queue(user=agent, scope="all", filters=filters)
    assert sorted(refs(found)) == sorted(tickets[key].reference for key in expected)


def test_filters_by_theme_commune_and_created_range(tickets, agent):
    eau = Theme.objects.get(code="eau")
    assert refs(selectors.ticket_queue(user=agent, scope="all", filters={"theme": eau})) == [
        tickets["water"].reference]
    commune = tickets["mine"].commune
    assert refs(selectors.ticket_queue(user=agent, scope="all",
                                       filters={"commune": commune.pk})) == [
        tickets["mine"].reference]
    month_ago = (timezone.localdate() - timedelta(days=30))
    old = selectors.ticket_queue(user=agent, scope="all",
                                 filters={"created_to": month_ago, "created_from": month_ago})
    assert refs(old) == [tickets["late"].reference]


def test_unknown_filter_is_a_programming_error(agent):
    with pytest.raises(TypeError):
        selectors.ticket_queue(user=agent, scope="all", filters={"colour": "red"})
    with pytest.raises(ValueError):
        selectors.ticket_queue(user=agent, scope="everything")


def test_sorting(tickets, agent):
    Ticket.objects.filter(pk=tickets["water"].pk).update(priority=4)
    by_priority = selectors.ticket_queue(user=agent, scope="all", filters={"status": "open"},
                                         ordering="-priority")
    assert refs(by_priority)[0] == tickets["water"].reference
    by_due = selectors.ticket_queue(user=agent, scope="all", filters={"status": "open"},
                                    ordering="due")
    assert refs(by_due)[0] == tickets["late"].reference
    oldest = selectors.ticket_queue(user=agent, scope="all", filters={}, ordering="created")
    newest = selectors.ticket_queue(user=agent, scope="all", filters={}, ordering="-created")
    assert refs(oldest) == list(reversed(refs(newest)))
    services.add_note(ticket=tickets["mine"], author=agent, body="Vu.")
    Ticket.objects.filter(pk=tickets["mine"].pk).update(
        updated_at=timezone.now() + timedelta(minutes=5))
    assert refs(selectors.ticket_queue(user=agent, scope="all", filters={},
                                       ordering="-updated"))[0] == tickets["mine"].reference


def test_counts_per_tab_and_cap(tickets, agent):
    counts = selectors.queue_counts(user=agent, filters={"status": "open"})
    assert (int(counts["mine"]), int(counts["team"]), int(counts["all"])) == (1, 3, 3)
    capped = selectors.capped_count(Ticket.objects.all(), cap=2)
    assert capped.capped and capped.value == 2 and str(capped) == "2+"
    assert str(selectors.capped_count(Ticket.objects.all(), cap=10)) == "4"


def test_tab_counts_are_one_query_under_the_cap(tickets, agent, django_assert_num_queries):
    selectors.team_queue_ids(agent)  # cached on the user, as in a request
    roles.handles_tickets(agent)
    with django_assert_num_queries(1):
        counts = selectors.queue_counts(user=agent, filters={"status": "open"})
    assert {scope: str(count) for scope, count in counts.items()} == {
        "mine": "1", "team": "3", "all": "3"}


def test_tab_counts_past_the_cap_count_mine_and_team_apart(tickets, agent):
    Queue.objects.get(code="eau-assainissement").members.add(agent)
    counts = selectors.queue_counts(user=agent, filters={"status": "open"}, cap=2, scope_cap=5)
    assert counts["all"].capped and str(counts["all"]) == "2+"
    assert (int(counts["mine"]), int(counts["team"])) == (1, 1)
    assert not counts["mine"].capped and not counts["team"].capped


def test_a_page_of_tickets_keeps_the_sort_and_its_related_rows(
        tickets, agent, django_assert_num_queries):
    queue = selectors.ticket_queue(user=agent, scope="all", filters={}, ordering="-created")
    expected = refs(queue)
    with django_assert_num_queries(2):
        page = selectors.page_of_tickets(queue, 1, 3)
        names = [ticket.usager.last_name for ticket in page]
    assert refs(page) == expected[1:3] and all(names)
    overdue = selectors.ticket_queue(user=agent, scope="all",
                                     filters={"status": "open", "overdue": True})
    assert refs(selectors.page_of_tickets(overdue, 0, 25)) == [tickets["late"].reference]
    assert selectors.page_of_tickets(queue, 10, 35) == []


def test_overdue_tickets(tickets):
    assert refs(selectors.overdue_tickets()) == [tickets["late"].reference]


# --- Search ------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["{ref}", "{ref_lower}", "mds {year} {number}", "{number}"])
def test_search_by_reference_however_typed(tickets, agent, typed):
    ticket = tickets["water"]
    year, number = ticket.reference.split("-")[1], str(ticket.pk)
    query = typed.format(ref=ticket.reference, ref_lower=ticket.reference.lower(), year=year,
                         number=number)
    assert refs(selectors.search_tickets(query, user=agent)) == [ticket.reference]


@pytest.mark.parametrize("typed", ["06 12 34 56 78", "+33 6 12 34 56 78", "0033612345678",
                                   "06.12.34.56.78"])
def test_search_by_phone_normalised(tickets, agent, typed):
    assert refs(selectors.search_tickets(typed, user=agent)) == [tickets["water"].reference]


def test_search_by_partial_phone(tickets, agent):
    assert refs(selectors.search_tickets("34 56 78", user=agent)) == [tickets["water"].reference]


def test_search_by_email_exact_and_partial(tickets, agent):
    assert refs(selectors.search_tickets("  Jean@Example.FR ", user=agent)) == [
        tickets["done"].reference]
    assert set(refs(selectors.search_tickets("durand@", user=agent))) == {
        tickets["mine"].reference}


def test_search_by_name_any_order_and_case(tickets, agent):
    assert refs(selectors.search_tickets("lefèvre paul", user=agent)) == [
        tickets["water"].reference]
    assert refs(selectors.search_tickets("MARTIN", user=agent)) == [tickets["done"].reference]


def test_search_by_text_in_subject_and_messages(tickets, agent):
    assert refs(selectors.search_tickets("déchèterie", user=agent)) == [
        tickets["done"].reference]
    assert refs(selectors.search_tickets("canapé", user=agent)) == [tickets["late"].reference]


def test_search_text_in_notes(tickets, agent):
    services.add_note(ticket=tickets["mine"], author=agent, body="Rappeler le gardien")
    assert refs(selectors.search_tickets("gardien", user=agent)) == [tickets["mine"].reference]


def test_text_search_widens_its_window_until_enough_distinct_tickets(
        tickets, agent, monkeypatch):
    """A word in two replies of the newest ticket counts once: the window keeps widening
    down to the oldest ticket that has it."""
    monkeypatch.setattr(selectors, "FTS_FIRST_WINDOW", 1)
    monkeypatch.setattr(selectors, "FTS_GROWTH", 2)
    old, newest = tickets["mine"], receive(email="zoe@example.fr", subject="Clés")
    for ticket in (old, newest, newest):
        services.add_note(ticket=ticket, author=agent, body="Rappeler le gardien")
    assert set(selectors._ticket_ids_by_text("gardien", limit=2)) == {old.pk, newest.pk}
    assert refs(selectors.search_tickets("gardien", user=agent)) == [
        newest.reference, old.reference]


def test_search_nothing(tickets, agent):
    assert not selectors.search_tickets("", user=agent).exists()
    assert not selectors.search_tickets("MDS-2020-999999", user=agent).exists()
    assert not selectors.search_tickets("zzzz introuvable", user=agent).exists()


@pytest.mark.parametrize("typed, kind", [
    ("MDS-2026-000012", "reference"), ("mds 2026 12", "reference"), ("12", "number"),
    ("a@b.fr", "email"), ("durand@", "partial_email"), ("06 12 34 56 78", "phone"),
    ("34 56 78", "partial_phone"), ("bac cassé", "text"), ("   ", "empty"),
])
def test_understand_query(typed, kind):
    assert selectors.understand_query(typed).kind == kind


def test_search_usagers_for_the_counter(tickets):
    found = selectors.search_usagers("06 12 34 56 78")
    assert [usager.last_name for usager in found] == ["Lefèvre"]
    assert found[0].has_open_ticket
    assert [u.first_name for u in selectors.search_usagers("durand")] == ["Marie"]
    assert selectors.search_usagers("MDS-2026-000001") == []


def test_erased_usagers_are_not_found_by_name(tickets):
    Usager.objects.filter(last_name="Martin").update(erased_at=timezone.now())
    assert not selectors.usagers_by_name("martin").exists()


# --- One ticket --------------------------------------------------------------------------------

def test_timeline_merges_messages_notes_events_in_order(tickets, agent, on_commit):
    ticket = tickets["mine"]
    with on_commit(execute=True):
        services.reply(ticket=ticket, author=agent, body="Nous repassons demain.")
    services.add_note(ticket=ticket, author=agent, body="Équipe prévenue")
    timeline = selectors.ticket_timeline(Ticket.objects.get(pk=ticket.pk))
    kinds = [item.kind for item in timeline]
    assert kinds[0] == "event" and timeline[0].event.kind == "created"
    assert kinds[1] == Message.Direction.IN
    assert Message.Direction.OUT in kinds and kinds[-1] == Message.Direction.NOTE
    assert [item.at for item in timeline] == sorted(item.at for item in timeline)


def test_ticket_detail_is_one_query(tickets, django_assert_num_queries):
    with django_assert_num_queries(1):
        ticket = selectors.ticket_detail(tickets["water"].pk)
        assert ticket.usager.last_name and ticket.theme.label and ticket.assignee.username


def test_suggested_articles_subtheme_then_theme_then_text(tickets, superviseur):
    collecte = Theme.objects.get(code="collecte")
    oubli = collecte.subthemes.get(code="oubli-collecte")
    tri = Theme.objects.get(code="tri")

    def article(title, theme, subtheme=None, keywords="", published=True):
        return KnowledgeArticle.objects.create(theme=theme, subtheme=subtheme, title=title,
                                               body="<p>…</p>", keywords=keywords,
                                               published=published)

    by_theme = article("Calendrier de collecte", collecte)
    by_subtheme = article("Collecte non effectuée : que faire ?", collecte, oubli)
    by_text = article("Bac non vidé après un jour férié", tri, keywords="bac vidé")
    article("Brouillon sur la collecte", collecte, oubli, published=False)
    article("Le verre", tri)
    ticket = tickets["mine"]
    services.update_ticket(ticket=ticket, subtheme=oubli)
    suggestions = selectors.suggested_articles(Ticket.objects.get(pk=ticket.pk))
    assert suggestions == [by_subtheme, by_theme, by_text]
    assert selectors.suggested_articles(ticket, limit=1) == [by_subtheme]


def test_knowledge_articles_search(superviseur):
    tri = Theme.objects.get(code="tri")
    KnowledgeArticle.objects.create(theme=tri, title="Le verre", body="Bocaux et bouteilles")
    KnowledgeArticle.objects.create(theme=tri, title="Papiers", body="Journaux",
                                    published=False)
    assert [a.title for a in selectors.knowledge_articles(query="bocaux")] == ["Le verre"]
    assert selectors.knowledge_articles().count() == 1
    assert selectors.knowledge_articles(include_drafts=True).count() == 2


def test_created_range_accepts_dates(tickets, agent):
    today = date.today()
    found = selectors.ticket_queue(user=agent, scope="all", filters={"created_from": today})
    assert tickets["late"].reference not in refs(found)
