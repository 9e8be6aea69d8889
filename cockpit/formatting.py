"""French formatting of the cockpit's figures: numbers, shares, changes, durations."""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext as _

NARROW_NBSP = "\u202f"
MISSING = "—"


def number(value: int | float | None) -> str:
    if value is None:
        return MISSING
    return number_format(value, decimal_pos=0, force_grouping=True)


def percent(value: float | None) -> str:
    if value is None:
        return MISSING
    return f"{number_format(round(value * 100), decimal_pos=0)}{NARROW_NBSP}%"


def duration(value) -> str:
    return str(value) if value is not None else MISSING


def share_hint(value: float | None, of_what: str) -> str:
    if value is None:
        return ""
    return f"{percent(value)} {of_what}"


def relative_delta(current: int, previous: int) -> str:
    """"+12 %" against the previous period ("nouveau" when there was nothing before)."""
    if not previous:
        return "" if not current else _("nouveau")
    change = (current - previous) / previous * 100
    sign = "+" if change > 0 else ("−" if change < 0 else "±")
    return f"{sign}{number_format(abs(round(change)), decimal_pos=0)}{NARROW_NBSP}%"


def points_delta(current: float | None, previous: float | None) -> str:
    """"+3 pts" between two shares."""
    if current is None or previous is None:
        return ""
    change = round((current - previous) * 100)
    sign = "+" if change > 0 else ("−" if change < 0 else "±")
    return _("%(sign)s%(points)s pt") % {"sign": sign, "points": abs(change)} if abs(change) < 2 \
        else _("%(sign)s%(points)s pts") % {"sign": sign, "points": abs(change)}


def previous_label(previous: int) -> str:
    return _("période précédente : %(value)s") % {"value": number(previous)}


def previous_percent_label(previous: float | None) -> str:
    if previous is None:
        return ""
    return _("période précédente : %(value)s") % {"value": percent(previous)}


def tone(current, previous, *, higher_is_better: bool = True) -> str:
    if current is None or previous is None or current == previous:
        return ""
    better = current > previous if higher_is_better else current < previous
    return "better" if better else "worse"
