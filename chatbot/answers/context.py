"""What an answer handler knows: the intent, the slots, the moment, the understanding."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from chatbot import catalogue, selectors, texts


@dataclass
class Context:
    intent: str
    slots: dict
    now: datetime
    entities: dict = field(default_factory=dict)

    @property
    def today(self) -> date:
        from django.utils import timezone

        return timezone.localtime(self.now).date()

    @property
    def asked_date(self) -> date | None:
        value = self.entities.get("date") if self.entities else None
        return value if isinstance(value, date) else None

    def commune(self) -> selectors.CommuneRef | None:
        return selectors.commune(self.slots.get("commune"))

    def street(self) -> selectors.StreetRef | None:
        return selectors.street(self.slots.get("commune"), self.slots.get("street"))

    def zone_id(self) -> int | None:
        """The collection zone: the street's, or the commune's only one."""
        street = self.street()
        if street:
            return street.zone_id
        commune = self.commune()
        if commune and commune.zones == 1:
            return selectors.only_zone_of(commune.id)
        return None

    def where(self) -> str:
        """« rue des Bains à Trouville-sur-Mer », « à Villerville »."""
        commune = self.slots.get("commune")
        street = self.slots.get("street")
        if street and commune:
            number = self.slots.get("number")
            lead = street[:1].lower() + street[1:]
            return f"au {number} {lead} à {commune}" if number else f"{lead} à {commune}"
        return f"à {commune}" if commune else ""

    def follow_ups(self) -> list[str]:
        found = catalogue.spec(self.intent)
        custom = texts.quick_replies(self.intent)
        return custom or list(found.follow_ups if found else ())
