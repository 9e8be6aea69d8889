"""guichet's demo data: SLA and queues, demo accounts and the team, the knowledge base, and a
believable year of requests (see tickets.py). Protocol: maison/demo/__init__.py."""

from __future__ import annotations

import crm.demo as crm_demo
from maison.demo import Progress, Seeded
from maison.demo.bulk import wipe

from ..models import Queue, RawInbound, SlaPolicy, Ticket
from ..reference import load_service_rules
from .accounts import DEMO_PASSWORD, give_the_demo_agent_a_queue, load_accounts, roster
from .knowledge import load_knowledge_base
from .tickets import load_tickets


def seed(*, tickets: int, progress: Progress) -> Seeded:
    rules = load_service_rules()
    created_accounts, logins = load_accounts()
    articles = load_knowledge_base()
    result = Seeded(counts={"engagements de service": rules["sla"], "files": rules["queues"],
                            "comptes créés": created_accounts, "articles": articles},
                    logins=logins)
    if tickets <= 0:
        return result
    if Ticket.objects.exists():
        result.notes.append("Des demandes existent déjà : aucune demande ajoutée "
                            "(seed_demo --reset pour repartir de zéro).")
        return result
    result.counts.update(load_tickets(tickets, progress, agents=roster(), queues=queue_map(),
                                      sla=sla_map()))
    give_the_demo_agent_a_queue()
    return result


def reset() -> None:
    """Wipe requests and everything hanging from them; rules, accounts and articles stay."""
    wipe(Ticket, RawInbound)
    crm_demo.forget_timeline(source_prefix="guichet.")


def queue_map() -> dict:
    """theme id → the queue that receives it (as guichet.services.route_to_queue routes)."""
    routes = {}
    for queue_id, theme_id in Queue.objects.filter(themes__isnull=False).order_by(
            "id").values_list("id", "themes"):
        routes.setdefault(theme_id, queue_id)
    routes[None] = Queue.objects.filter(is_default=True).values_list("id", flat=True).first()
    return routes


def sla_map() -> dict:
    return {(nature, theme_id): (hours, days) for nature, theme_id, hours, days in
            SlaPolicy.objects.values_list("nature", "theme_id", "first_response_hours",
                                          "resolution_days")}


__all__ = ["DEMO_PASSWORD", "queue_map", "reset", "seed", "sla_map"]
