"""How many requests, when, by which door and about what: the shape of the demo year.

Figures from the territory: the population goes from 20,600 to about 120,000 in summer, so
July and August weigh three winter months each; phone and counter only take requests during
opening hours, email, the form and Sophie at any hour (evenings included); the desk opened
with waste, water and sanitation joined six months ago.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import accumulate

from crm.models import Category
from maison import calendar
from maison.demo import Weighted

from ..models import Channel, Nature
from .clock import BusinessClock

CHANNEL_MIX = {Channel.TELEPHONE: 35, Channel.EMAIL: 20, Channel.FORMULAIRE: 15,
               Channel.CHATBOT: 20, Channel.ACCUEIL: 7, Channel.SMS: 3}
NATURE_MIX = {Nature.INFORMATION: 55, Nature.TRANSACTION: 15, Nature.RECLAMATION: 12,
              Nature.RENDEZ_VOUS: 8, Nature.SIGNALEMENT: 10}
OFFICE_CHANNELS = {Channel.TELEPHONE, Channel.ACCUEIL}
LATE_THEMES = ("eau", "assainissement")  # opened at the guichet six months ago
LATE_THEMES_MONTHS = 6

# Summer (July–August) at three times a winter month; Easter and spring holidays, the long
# September of second homes in between.
MONTH_FACTOR = {1: 1.0, 2: 1.05, 3: 1.0, 4: 1.3, 5: 1.4, 6: 1.6, 7: 3.0, 8: 3.0, 9: 1.5,
                10: 1.2, 11: 1.0, 12: 1.05}
WEEKDAY_FACTOR = [1.3, 1.1, 1.0, 1.0, 0.9, 0.45, 0.35]  # Monday: the weekend's bins
# Written channels by hour of the day (residents write after work and in the evening).
WRITTEN_HOURS = [0.1, 0.05, 0.03, 0.03, 0.04, 0.1, 0.35, 0.8, 1.3, 1.6, 1.6, 1.4, 1.1, 1.2, 1.4,
                 1.4, 1.3, 1.3, 1.4, 1.5, 1.4, 1.1, 0.6, 0.3]
CHATBOT_EVENING = {18: 1.4, 19: 1.6, 20: 1.7, 21: 1.6, 22: 1.3}
OFFICE_HOURS = {9: 1.4, 10: 1.5, 11: 1.3, 12: 0.8, 13: 0.7, 14: 1.3, 15: 1.2, 16: 1.0}

# Who writes: second-home owners in summer and on holidays, professionals in the season.
def category_mix(month: int) -> dict[str, float]:
    summer = month in (7, 8)
    season = month in (4, 5, 6, 9)
    secondaire = 42 if summer else 28 if season else 16
    pro = 13 if summer or season else 9
    return {Category.RESIDENT_PERMANENT: 100 - secondaire - pro,
            Category.RESIDENT_SECONDAIRE: secondaire, Category.PROFESSIONNEL: pro}


# (theme, sub-theme) → (volume, natures it takes). Collection and sorting dominate.
SUBTHEMES = {
    ("collecte", "jours-collecte"): (10, {"information": 1}),
    ("collecte", "oubli-collecte"): (8, {"reclamation": 0.8, "signalement": 0.2}),
    ("collecte", "bacs"): (9, {"transaction": 0.65, "information": 0.15, "reclamation": 0.1,
                               "signalement": 0.1}),
    ("collecte", "sacs"): (4, {"transaction": 0.6, "information": 0.4}),
    ("collecte", "jours-feries"): (3, {"information": 1}),
    ("collecte", "residences-secondaires"): (4, {"information": 0.7, "transaction": 0.3}),
    ("tri", "consignes"): (9, {"information": 1}),
    ("tri", "verre"): (3, {"information": 0.5, "signalement": 0.5}),
    ("tri", "papier"): (2, {"information": 0.7, "signalement": 0.3}),
    ("tri", "textiles"): (1.5, {"information": 0.8, "signalement": 0.2}),
    ("tri", "pav"): (3, {"signalement": 0.7, "information": 0.3}),
    ("tri", "dechets-speciaux"): (2, {"information": 1}),
    ("redevance", "fonctionnement"): (2.5, {"information": 1}),
    ("redevance", "contestation"): (1.5, {"reclamation": 1}),
    ("redevance", "facturation"): (2.5, {"information": 0.6, "reclamation": 0.4}),
    ("redevance", "collecte-pro"): (1.5, {"transaction": 0.5, "information": 0.3,
                                          "rendez_vous": 0.2}),
    ("decheteries", "horaires"): (6, {"information": 1}),
    ("decheteries", "acces"): (5, {"transaction": 0.7, "information": 0.3}),
    ("decheteries", "dechets-acceptes"): (3, {"information": 1}),
    ("decheteries", "professionnels"): (1.2, {"information": 0.6, "transaction": 0.4}),
    ("decheteries", "gravats"): (1, {"information": 1}),
    ("encombrants", "collecte-encombrants"): (3, {"information": 0.7, "reclamation": 0.3}),
    ("encombrants", "rendez-vous"): (5, {"rendez_vous": 1}),
    ("encombrants", "vegetaux"): (3, {"information": 0.6, "rendez_vous": 0.4}),
    ("encombrants", "sapins"): (0.8, {"information": 1}),
    ("encombrants", "depots-sauvages"): (2.5, {"signalement": 0.9, "reclamation": 0.1}),
    ("eau", "qualite"): (1.5, {"information": 0.7, "reclamation": 0.3}),
    ("eau", "fuite"): (2, {"signalement": 1}),
    ("eau", "coupure"): (1.5, {"signalement": 0.6, "information": 0.4}),
    ("eau", "compteur"): (1.5, {"transaction": 0.5, "rendez_vous": 0.5}),
    ("eau", "abonnement"): (2, {"transaction": 1}),
    ("eau", "facture-eau"): (2, {"information": 0.5, "reclamation": 0.5}),
    ("assainissement", "controle"): (1.2, {"rendez_vous": 0.8, "information": 0.2}),
    ("assainissement", "raccordement"): (1, {"transaction": 0.6, "information": 0.4}),
    ("assainissement", "debouchage"): (1, {"signalement": 1}),
    ("general", "contact"): (1.5, {"information": 1}),
    ("general", "donnees-personnelles"): (0.3, {"information": 0.5, "transaction": 0.5}),
    ("general", "hors-competence"): (1.5, {"information": 1}),
    ("general", "autre"): (1, {"information": 1}),
}
# Seasonal swings of some sub-themes (month → factor; 1 elsewhere).
SEASONS = {
    "residences-secondaires": {4: 1.6, 6: 1.5, 7: 2.6, 8: 2.6, 9: 1.4, 11: 0.6, 12: 0.6,
                               1: 0.5, 2: 0.6},
    "vegetaux": {3: 1.6, 4: 2.2, 5: 2.2, 6: 1.8, 9: 1.6, 10: 1.8, 12: 0.3, 1: 0.3, 2: 0.5},
    "sapins": {1: 14, 12: 3, 2: 0.5, 3: 0, 4: 0, 5: 0, 6: 0, 7: 0, 8: 0, 9: 0, 10: 0, 11: 0.3},
    "horaires": {4: 1.8, 10: 1.6},
    "jours-feries": {5: 2.2, 12: 1.8, 1: 1.5, 11: 1.5, 7: 0.7, 8: 0.7},
    "fuite": {12: 1.8, 1: 2.0, 2: 1.8},
    "coupure": {7: 1.6, 8: 1.6},
    "pav": {7: 2.0, 8: 2.0, 6: 1.3, 9: 1.3},
    "verre": {7: 1.8, 8: 1.8, 1: 1.3},
    "depots-sauvages": {7: 1.5, 8: 1.5},
    "facturation": {3: 2.0, 9: 2.0},
    "facture-eau": {3: 1.8, 9: 1.8},
    "oubli-collecte": {7: 1.3, 8: 1.3},
}


def exact_counts(total: int, mix: dict) -> dict:
    """Split `total` by the mix, rounding so that the counts add up exactly."""
    weight = sum(mix.values())
    raw = {key: total * value / weight for key, value in mix.items()}
    counts = {key: int(value) for key, value in raw.items()}
    for key in sorted(raw, key=lambda k: raw[k] - counts[k], reverse=True)[
            :total - sum(counts.values())]:
        counts[key] += 1
    return counts


def launch_date(today: date) -> date:
    """First day of the month, six months back: water and sanitation joined the desk then."""
    month = today.month - LATE_THEMES_MONTHS
    year = today.year + (month - 1) // 12
    return date(year, (month - 1) % 12 + 1, 1)


def day_weight(day: date) -> float:
    weight = MONTH_FACTOR[day.month] * WEEKDAY_FACTOR[day.weekday()]
    if calendar.is_public_holiday(day):
        weight *= 0.5
    elif calendar.is_public_holiday(day - timedelta(days=1)):
        weight *= 1.4  # collection moved by the holiday: people call the next day
    return weight


class MomentSampler:
    """Draws creation moments for a channel: office slots for phone and counter, any hour
    of the day for written channels."""

    def __init__(self, rng, clock: BusinessClock, start: datetime, end: datetime):
        self.rng = rng
        self.start, self.end = int(start.timestamp()), int(end.timestamp())
        self.tz = clock.tz
        self._office = self._office_slots(clock)
        self._written = self._written_slots(start, end, chatbot=False)
        self._chatbot = self._written_slots(start, end, chatbot=True)

    def _office_slots(self, clock: BusinessClock):
        slots, weights = [], []
        for open_at, close_at in clock.intervals():
            if close_at <= self.start or open_at >= self.end:
                continue
            local = datetime.fromtimestamp(open_at, self.tz)
            weight_of_day = day_weight(local.date())
            for slot_start in range(max(open_at, self.start), min(close_at, self.end), 3600):
                hour = datetime.fromtimestamp(slot_start, self.tz).hour
                length = min(3600, close_at - slot_start, self.end - slot_start)
                slots.append((slot_start, length))
                weights.append(weight_of_day * OFFICE_HOURS.get(hour, 1.0) * length / 3600)
        return slots, list(accumulate(weights))

    def _written_slots(self, start: datetime, end: datetime, *, chatbot: bool):
        slots, weights = [], []
        day = start.date()
        while day <= end.date():
            weight_of_day = day_weight(day)
            for hour in range(24):
                slot_start = int(datetime(day.year, day.month, day.day, hour,
                                          tzinfo=self.tz).timestamp())
                if slot_start >= self.end or slot_start < self.start:
                    continue
                length = min(3600, self.end - slot_start)
                factor = CHATBOT_EVENING.get(hour, 1.0) if chatbot else 1.0
                slots.append((slot_start, length))
                weights.append(weight_of_day * WRITTEN_HOURS[hour] * factor * length / 3600)
            day += timedelta(days=1)
        return slots, list(accumulate(weights))

    def moments(self, channel: str, count: int) -> list[int]:
        if channel in OFFICE_CHANNELS:
            slots, cumulated = self._office
        elif channel == Channel.CHATBOT:
            slots, cumulated = self._chatbot
        else:
            slots, cumulated = self._written
        rng = self.rng
        picked = rng.choices(slots, cum_weights=cumulated, k=count)
        return [start + int(rng.random() * length) for start, length in picked]


class SubthemePicker:
    """P(sub-theme | nature, month, launched) from volumes, natures and seasons."""

    def __init__(self, rng, subtheme_ids: dict[tuple[str, str], tuple[int, int]]):
        self.rng = rng
        self._tables: dict[tuple, Weighted] = {}
        self._ids = subtheme_ids

    def _table(self, nature: str, month: int, launched: bool) -> Weighted:
        key = (nature, month, launched)
        if key not in self._tables:
            options, weights = [], []
            for (theme, code), (volume, natures) in SUBTHEMES.items():
                if (theme, code) not in self._ids or nature not in natures:
                    continue
                if theme in LATE_THEMES and not launched:
                    continue
                weight = volume * natures[nature] * SEASONS.get(code, {}).get(month, 1.0)
                if weight > 0:
                    options.append(self._ids[(theme, code)])
                    weights.append(weight)
            self._tables[key] = Weighted(options, weights)
        return self._tables[key]

    def pick(self, nature: str, month: int, launched: bool) -> tuple[int, int]:
        return self._table(nature, month, launched).pick(self.rng)
