"""French date expressions resolved against a given `today`.

Sophie is mostly asked about what comes next ("le 25", "lundi", "Noël"): a day without year
resolves to its next occurrence, except within the last week, which stays in the past
("le camion n'est pas passé le 23" said on the 25th means two days ago).
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date, timedelta

RECENT_PAST_DAYS = 7

MONTHS = {
    "janvier": 1, "janv": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "avril": 4, "avr": 4,
    "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "septembre": 9, "sept": 9,
    "octobre": 10, "oct": 10, "novembre": 11, "nov": 11, "decembre": 12, "dec": 12,
}
WEEKDAYS = {
    "lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5, "dimanche": 6,
}
_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
_WEEKDAY_RE = "|".join(WEEKDAYS)


def easter(year: int) -> date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    j = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * j) // 451
    month, day = divmod(h + j - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _fixed(month: int, day: int):
    return lambda year: date(year, month, day)


def _from_easter(offset: int):
    return lambda year: easter(year) + timedelta(days=offset)


# Named days, most specific first ("lundi de paques" before "paques").
HOLIDAYS = (
    (r"lundi de paques", _from_easter(1)),
    (r"lundi de (?:la )?pentecote", _from_easter(50)),
    (r"(?:dimanche de )?pentecote", _from_easter(49)),
    (r"(?:dimanche de )?paques", _from_easter(0)),
    (r"(?:jeudi de l )?ascension", _from_easter(39)),
    (r"jour de l an|nouvel an", _fixed(1, 1)),
    (r"fete du travail", _fixed(5, 1)),
    (r"victoire 1945|armistice 1945", _fixed(5, 8)),
    (r"fete nationale", _fixed(7, 14)),
    (r"assomption", _fixed(8, 15)),
    (r"toussaint", _fixed(11, 1)),
    (r"armistice", _fixed(11, 11)),
    (r"saint sylvestre", _fixed(12, 31)),
    (r"(?<!sapin de )(?<!sapins de )(?<!arbre de )(?<!marche de )noel", _fixed(12, 25)),
)
_HOLIDAY_RES = tuple((re.compile(rf"\b(?:{p})\b"), f) for p, f in HOLIDAYS)

_NUMERIC = re.compile(r"\b(\d{1,2})\s*[/.]\s*(\d{1,2})(?:\s*[/.]\s*(\d{4}|\d{2}))?\b")
_DAY_MONTH = re.compile(rf"\b(1er|premier|\d{{1,2}})\s+({_MONTH_RE})\b\.?(?:\s+(\d{{4}}))?")
_DAY_ONLY = re.compile(
    r"\ble\s+(1er|\d{1,2})\b(?!\s*(?:h\b|heures?|ans?|min|%|euros?|e\b|eme|kg|m3|m\b|bis|ter"
    r"|rue|av|avenue|bd|boulevard|chemin|route|impasse|place|allee|quai|personnes|fois))"
)
_RELATIVE = (
    (re.compile(r"\bapres[ -]demain\b"), 2),
    (re.compile(r"\bavant[ -]hier\b"), -2),
    (re.compile(r"\baujourd ?hui\b|\bce jour\b|\bce soir\b|\bce matin\b|\bcet apres[ -]midi\b"), 0),
    (re.compile(r"\bdemain\b"), 1),
    (re.compile(r"\bhier\b"), -1),
)
_WEEKDAY = re.compile(rf"\b({_WEEKDAY_RE})\b(\s+(?:prochain|qui vient|dernier))?")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[’'`\-]", " ", text)


def _safe_date(year: int, month: int, day: int) -> date | None:
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return date(year, month, day)


def _next_for_month_day(month: int, day: int, today: date) -> date | None:
    """This year's date unless it is more than a week gone, then next year's."""
    candidate = _safe_date(today.year, month, day)
    if candidate is None:
        return _safe_date(today.year + 1, month, day)
    if (today - candidate).days > RECENT_PAST_DAYS:
        return _safe_date(today.year + 1, month, day)
    return candidate


def _next_for_day(day: int, today: date) -> date | None:
    if day == today.day or (0 < today.day - day <= RECENT_PAST_DAYS):
        return _safe_date(today.year, today.month, day)
    if day > today.day:
        found = _safe_date(today.year, today.month, day)
        if found:
            return found
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return _safe_date(year, month, day)


def _day_number(token: str) -> int:
    return 1 if token in ("1er", "premier") else int(token)


def _parse_year(raw: str | None) -> int | None:
    if not raw:
        return None
    year = int(raw)
    return year + 2000 if year < 100 else year


def _match_numeric(text: str, today: date):
    m = _NUMERIC.search(text)
    if not m:
        return None
    day, month, year = int(m.group(1)), int(m.group(2)), _parse_year(m.group(3))
    found = _safe_date(year, month, day) if year else _next_for_month_day(month, day, today)
    return (m.start(), found) if found else None


def _match_day_month(text: str, today: date):
    m = _DAY_MONTH.search(text)
    if not m:
        return None
    day, month, year = _day_number(m.group(1)), MONTHS[m.group(2)], _parse_year(m.group(3))
    found = _safe_date(year, month, day) if year else _next_for_month_day(month, day, today)
    return (m.start(), found) if found else None


def _match_holiday(text: str, today: date):
    best = None
    for pattern, resolve in _HOLIDAY_RES:
        m = pattern.search(text)
        if m and (best is None or m.start() < best[0]):
            this_year = resolve(today.year)
            best = (m.start(), this_year if this_year >= today else resolve(today.year + 1))
    return best


def _match_relative(text: str, today: date):
    for pattern, offset in _RELATIVE:
        m = pattern.search(text)
        if m:
            return (m.start(), today + timedelta(days=offset))
    return None


def _match_weekday(text: str, today: date):
    m = _WEEKDAY.search(text)
    if not m:
        return None
    delta = (WEEKDAYS[m.group(1)] - today.weekday()) % 7
    qualifier = (m.group(2) or "").strip()
    if qualifier == "dernier":
        return (m.start(), today - timedelta(days=(7 - delta) if delta else 7))
    if qualifier and delta == 0:
        delta = 7
    return (m.start(), today + timedelta(days=delta))


def _match_day_only(text: str, today: date):
    m = _DAY_ONLY.search(text)
    if not m:
        return None
    found = _next_for_day(_day_number(m.group(1)), today)
    return (m.start(), found) if found else None


# Most specific first: when two expressions overlap ("lundi de paques" / "lundi"), the first
# matcher that finds something wins.
_MATCHERS = (
    _match_holiday, _match_day_month, _match_numeric, _match_relative, _match_weekday,
    _match_day_only,
)


def resolve_date(text: str, today: date) -> date | None:
    """The first date expressed in `text`, resolved relative to `today`, or None."""
    folded = _fold(text or "")
    for matcher in _MATCHERS:
        found = matcher(folded, today)
        if found:
            return found[1]
    return None
