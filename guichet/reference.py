"""Loading the service's own rules: SLA commitments and queues (idempotent)."""

from django.db import transaction

from maison.models import Theme
from maison.services import service_rules

from .models import Queue, SlaPolicy


@transaction.atomic
def load_service_rules() -> dict[str, int]:
    rules = service_rules()
    for item in rules["sla"]:
        theme = Theme.objects.get(code=item["theme"]) if item.get("theme") else None
        SlaPolicy.objects.update_or_create(
            nature=item["nature"], theme=theme,
            defaults={"first_response_hours": item["first_response_hours"],
                      "resolution_days": item["resolution_days"]})
    for item in rules["queues"]:
        queue, _ = Queue.objects.update_or_create(
            code=item["code"], defaults={"name": item["name"],
                                         "is_default": item.get("default", False)})
        queue.themes.set(Theme.objects.filter(code__in=item["themes"]))
    return {"sla": len(rules["sla"]), "queues": len(rules["queues"])}
