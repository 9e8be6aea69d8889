"""The rollups' measures: one column per count, and what a ticket adds to each.

A rollup row sums the contributions of the tickets received on its day (or month) under its
key (commune, theme, channel). Contributions are plain integers, so a change to a ticket is
applied exactly by subtracting its old contribution and adding the new one.
"""

from __future__ import annotations

from crm.models import Category
from guichet.indicators import DURATION_BINS, TicketFact
from guichet.models import Nature, Status

NATURES = tuple(Nature.values)
CATEGORIES = tuple(Category.values)
STATUSES = tuple(Status.values)


def nature_column(nature: str) -> str:
    return f"n_{nature}"


def category_column(category: str) -> str:
    return f"c_{category}"


def status_column(status: str) -> str:
    return f"s_{status}"


def histogram_columns(prefix: str) -> list[str]:
    return [f"{prefix}_h{index}" for index in range(DURATION_BINS)]


FIRST_RESPONSE_HISTOGRAM = histogram_columns("fr")
RESOLUTION_HISTOGRAM = histogram_columns("res")
COMPLAINT_RESOLUTION_HISTOGRAM = histogram_columns("rec")

ROLLUP_MEASURES: list[str] = [
    "created",
    *map(nature_column, NATURES),
    *map(category_column, CATEGORIES),
    *map(status_column, STATUSES),
    "fr_count", "fr_met", "fr_seconds",
    "res_count", "res_met", "res_seconds",
    "rec_open", "rec_res_count", "rec_res_met",
    *FIRST_RESPONSE_HISTOGRAM, *RESOLUTION_HISTOGRAM, *COMPLAINT_RESOLUTION_HISTOGRAM,
]
SUBTHEME_MEASURES: list[str] = ["created", "n_reclamation"]


def contribution(fact: TicketFact) -> dict[str, int]:
    """What one ticket adds to its rollup row (zeros left out)."""
    values = {"created": 1, nature_column(fact.nature): 1, status_column(fact.status): 1,
              category_column(fact.category if fact.category in CATEGORIES
                              else Category.INCONNUE): 1}
    complaint = fact.nature == Nature.RECLAMATION
    if fact.first_response_seconds is not None:
        values["fr_count"] = 1
        values["fr_met"] = int(bool(fact.first_response_met))
        values["fr_seconds"] = fact.first_response_seconds
        values[FIRST_RESPONSE_HISTOGRAM[fact.first_response_bin]] = 1
    if fact.resolution_seconds is not None:
        values["res_count"] = 1
        values["res_met"] = int(bool(fact.resolution_met))
        values["res_seconds"] = fact.resolution_seconds
        values[RESOLUTION_HISTOGRAM[fact.resolution_bin]] = 1
        if complaint:
            values["rec_res_count"] = 1
            values["rec_res_met"] = int(bool(fact.resolution_met))
            values[COMPLAINT_RESOLUTION_HISTOGRAM[fact.resolution_bin]] = 1
    elif complaint:
        values["rec_open"] = 1
    return {column: value for column, value in values.items() if value}


def subtheme_contribution(fact: TicketFact) -> dict[str, int]:
    values = {"created": 1}
    if fact.nature == Nature.RECLAMATION:
        values["n_reclamation"] = 1
    return values
