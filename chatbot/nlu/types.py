"""Result types of the language understanding engine (plain dataclasses, no framework)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

ENTITY_KEYS = ("commune", "adresse", "item", "decheterie", "flux", "reference", "date")


def empty_entities() -> dict:
    """Every entity key present, all None: callers never need `.get` guards."""
    return dict.fromkeys(ENTITY_KEYS)


@dataclass(frozen=True)
class Address:
    street: str
    commune: str | None  # None when the street exists in several communes and none was named
    number: str | None = None

    def as_dict(self) -> dict:
        return {"street": self.street, "number": self.number, "commune": self.commune}


@dataclass
class Understanding:
    """What Sophie understood of one message.

    `intent` is None when the message is out of scope (or unintelligible).
    `alternatives` lists (intent, confidence) best first, including the chosen one.
    """

    text: str
    intent: str | None
    confidence: float
    alternatives: list[tuple[str, float]] = field(default_factory=list)
    ambiguous: bool = False
    entities: dict = field(default_factory=empty_entities)

    @property
    def runner_up(self) -> tuple[str, float] | None:
        return self.alternatives[1] if len(self.alternatives) > 1 else None

    @property
    def date(self) -> date | None:
        return self.entities.get("date")
