"""Demo accounts: one per role with a documented password, and the territory's ~40 agents."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import F, Prefetch

from maison import roles

from ..models import Queue
from .lifecycle import Agent, Roster

# Demo only: printed by seed_demo and in the README. "demo" alone is refused by the
# password validators; this one passes them.
DEMO_PASSWORD = "maison-demo-2026"  # noqa: S105
DEMO_DOMAIN = "coeurcotefleurie.example"
# (username, role, first name, last name)
DEMO_ACCOUNTS = [
    ("agent", roles.AGENT, "Claire", "Lemoine"),
    ("superviseur", roles.SUPERVISEUR, "Thomas", "Hébert"),
    ("elu", roles.ELU, "Françoise", "Duval"),
    ("admin", roles.ADMIN, "Marc", "Osmont"),
]
# The remote agents who absorb the peaks (assignees of the demo tickets; they log in with
# their own password, so theirs is left unusable here).
TEAM = [
    ("Sandrine", "Leroux"), ("Julien", "Marie"), ("Nathalie", "Guérin"), ("Sébastien", "Hamel"),
    ("Aurélie", "Lecoq"), ("Nicolas", "Vautier"), ("Céline", "Lebrun"), ("Mathieu", "Quesnel"),
    ("Émilie", "Letellier"), ("Romain", "Lesage"), ("Virginie", "Huet"), ("David", "Poulain"),
    ("Caroline", "Anquetil"), ("Frédéric", "Gosselin"), ("Sophie", "Renault"),
    ("Laurent", "Lemarchand"), ("Julie", "Savary"), ("Stéphane", "Delaunay"),
    ("Pauline", "Hardy"), ("Olivier", "Lecomte"), ("Camille", "Ruault"), ("Thierry", "Varin"),
    ("Hélène", "Legoupil"), ("Xavier", "Picard"), ("Marine", "Leneveu"), ("Yannick", "Lange"),
    ("Élodie", "Tostain"), ("Benoît", "Lefrançois"), ("Laure", "Osmont"), ("Fabrice", "Jouen"),
    ("Mélanie", "Desmares"), ("Cédric", "Lelièvre"), ("Anne", "Hauguel"), ("Loïc", "Marais"),
    ("Sabrina", "Yvon"), ("Grégory", "Tabourel"), ("Lucie", "Carpentier"), ("Jérôme", "Féron"),
    ("Manon", "Lecanu"), ("Vincent", "Pesquet"),
]
WATER_TEAM_SIZE = 8  # the last ones of TEAM work on water and sanitation
BOTH_TEAMS = 3  # …and a few of them on waste too


def _username(first: str, last: str) -> str:
    from django.utils.text import slugify

    return f"{slugify(first)}.{slugify(last)}"


@transaction.atomic
def load_accounts() -> tuple[int, list[tuple[str, str, str]]]:
    """Create or refresh the demo accounts and the team; returns (created, logins)."""
    user_model = get_user_model()
    groups = {role: Group.objects.get_or_create(name=role)[0] for role in roles.ROLE_LABELS}
    created = 0
    logins = []
    for username, role, first, last in DEMO_ACCOUNTS:
        user, is_new = user_model.objects.get_or_create(username=username, defaults={
            "first_name": first, "last_name": last,
            "email": f"{_username(first, last)}@{DEMO_DOMAIN}"})
        created += is_new
        user.is_staff = role in (roles.SUPERVISEUR, roles.ADMIN)
        user.is_superuser = role == roles.ADMIN
        user.is_active = True
        user.set_password(DEMO_PASSWORD)  # the printed login always works
        user.save()
        if role != roles.ADMIN:
            user.groups.add(groups[role])
        logins.append((str(roles.ROLE_LABELS[role]), username, DEMO_PASSWORD))
    for first, last in TEAM:
        user, is_new = user_model.objects.get_or_create(username=_username(first, last),
                                                        defaults={
            "first_name": first, "last_name": last,
            "email": f"{_username(first, last)}@{DEMO_DOMAIN}"})
        if is_new:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            created += 1
        user.groups.add(groups[roles.AGENT])
    _join_queues(user_model)
    return created, logins


def _join_queues(user_model) -> None:
    queues = {queue.code: queue for queue in Queue.objects.all()}
    waste, water = queues.get("dechets"), queues.get("eau-assainissement")
    team = [_username(first, last) for first, last in TEAM]
    users = {u.username: u for u in user_model.objects.filter(
        username__in=[*team, "agent", "superviseur"])}
    waste_team = team[:len(team) - WATER_TEAM_SIZE + BOTH_TEAMS]
    water_team = team[len(team) - WATER_TEAM_SIZE:]
    for queue, names in ((waste, waste_team), (water, water_team)):
        if queue is not None:
            queue.members.add(*(users[n] for n in [*names, "agent", "superviseur"] if n in users))


def roster() -> Roster:
    """Who handles which queue's tickets (agents only), for the ticket generator."""
    members: dict[int, list[Agent]] = {}
    weights: dict[int, float] = {}
    supervisor = None
    # Members in a fixed order: the same random seed must draw the same assignees whatever
    # the order the database returns rows in.
    members_in_order = Prefetch("members", queryset=get_user_model().objects.order_by(
        "username").prefetch_related("groups"))
    for queue in Queue.objects.order_by("code").prefetch_related(members_in_order):
        for user in queue.members.all():
            names = {group.name for group in user.groups.all()}
            agent = Agent(user.pk, user.get_full_name() or user.get_username())
            if roles.SUPERVISEUR in names:
                supervisor = supervisor or agent
                continue
            if roles.AGENT in names:
                members.setdefault(queue.pk, []).append(agent)
                weights[user.pk] = 4.0 if user.get_username() == "agent" else 1.0
    return Roster(members, weights, supervisor)


def give_the_demo_agent_a_queue(minimum: int = 5) -> int:
    """The demo `agent` logs in on "my queue": make sure it holds open requests, whatever the
    random draw gave. Takes the newest unassigned open requests of its queues first."""
    from ..models import OPEN_STATUSES, Ticket

    agent = get_user_model().objects.filter(username="agent").first()
    if agent is None:
        return 0
    open_tickets = Ticket.objects.filter(status__in=OPEN_STATUSES)
    missing = minimum - open_tickets.filter(assignee=agent).count()
    if missing <= 0:
        return 0
    candidates = (open_tickets.filter(queue__members=agent).exclude(assignee=agent)
                  .order_by(F("assignee").asc(nulls_first=True), "-created_at"))
    ids = list(candidates.values_list("id", flat=True)[:missing])
    return Ticket.objects.filter(id__in=ids).update(assignee=agent)
