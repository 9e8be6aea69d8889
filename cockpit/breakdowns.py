"""Breakdowns of a period's requests: by channel, theme, commune, sub-theme (motif), nature,
category and status, and the complaints by theme, motif and commune — each row linked, for
superviseurs, to the tickets behind it in the back office."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Sum

from crm.models import Category
from guichet.indicators import Scope
from guichet.models import Channel, Nature, Status

from .figures import Link, Names, Sums, cell_q, share
from .measures import category_column, nature_column, status_column
from .models import ALL_CHANNELS, ALL_IDS, Rollup, SubthemeRollup
from .periods import Period


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    count: int
    share: float | None
    complaints: int = 0
    resolution_met_share: float | None = None
    link: str | None = None
    secondary: str = ""


def _rows(counts: dict, total: int, label: Callable, link_params: Callable, link: Link,
          extra: dict | None = None) -> list[Row]:
    rows = []
    for key, values in sorted(counts.items(), key=lambda item: (-item[1]["created"],
                                                                str(item[0]))):
        if not values["created"]:
            continue
        params = link_params(key)
        rows.append(Row(
            key=str(key), label=str(label(key)), count=values["created"],
            share=share(values["created"], total), complaints=values.get("complaints", 0),
            resolution_met_share=share(values.get("res_met", 0), values.get("res_count", 0)),
            link=link(params) if params is not None else None,
            secondary=(extra or {}).get(key, "")))
    return rows


@dataclass
class Breakdowns:
    channel: list[Row]
    theme: list[Row]
    commune: list[Row]
    subtheme: list[Row]
    nature: list[Row]
    category: list[Row]
    status: list[Row]
    complaints_by_theme: list[Row]
    complaints_by_commune: list[Row]
    complaints_by_subtheme: list[Row]


def breakdowns(period: Period, scope: Scope, sums: Sums, names: Names, *,
               link: Link, base_params: dict) -> Breakdowns:
    """Counts by channel, theme, commune (one query), sub-theme (one query), and by nature,
    category and status (from the totals)."""
    complaint = nature_column(Nature.RECLAMATION)
    dims = {}
    for dim in ("commune_id", "theme_id", "channel"):
        counts = defaultdict(lambda: defaultdict(int))
        for row in (Rollup.objects.filter(period.rollup_q(), cell_q(scope, free=dim))
                    .values(dim).annotate(created=Sum("created"), complaints=Sum(complaint),
                                          res_count=Sum("res_count"), res_met=Sum("res_met"))):
            for measure in ("created", "complaints", "res_count", "res_met"):
                counts[row[dim]][measure] += row[measure] or 0
        dims[dim] = counts
    by_subtheme = defaultdict(lambda: defaultdict(int))
    subthemes = SubthemeRollup.objects.filter(
        period.rollup_q(), commune_id=scope.commune_id or ALL_IDS,
        channel=scope.channel or ALL_CHANNELS)
    if scope.theme_id:
        subthemes = subthemes.filter(theme_id=scope.theme_id)
    for row in (subthemes.values("theme_id", "subtheme_id")
                .annotate(created=Sum("created"), complaints=Sum("n_reclamation"))):
        counts = by_subtheme[(row["theme_id"], row["subtheme_id"])]
        counts["created"] += row["created"] or 0
        counts["complaints"] += row["complaints"] or 0
    total = sums.created

    def with_base(**params) -> dict:
        return {**base_params, **params}

    def commune_params(pk):
        return with_base(commune=names.communes[pk].slug) if pk in names.communes else None

    def theme_params(pk):
        return with_base(theme=names.themes[pk].code) if pk in names.themes else None

    def subtheme_params(key):
        return theme_params(key[0])

    channels = dict(Channel.choices)
    natures = dict(Nature.choices)
    categories = dict(Category.choices)
    statuses = dict(Status.choices)
    nature_counts = {n: {"created": sums[nature_column(n)]} for n in Nature.values}
    category_counts = {c: {"created": sums[category_column(c)]} for c in Category.values}
    status_counts = {s: {"created": sums[status_column(s)]} for s in Status.values}
    subtheme_extra = {key: names.theme(key[0]) for key in by_subtheme}
    complaints_only = {dim: {key: {"created": values["complaints"]}
                             for key, values in counts.items()}
                       for dim, counts in dims.items()}
    complaint_subthemes = {key: {"created": values["complaints"]}
                           for key, values in by_subtheme.items()}
    complaints_total = sums.complaints

    def complaint_params(params):
        return None if params is None else {**params, "nature": Nature.RECLAMATION}

    return Breakdowns(
        channel=_rows(dims["channel"], total, lambda c: channels.get(c, c),
                      lambda c: with_base(channel=c), link),
        theme=_rows(dims["theme_id"], total, names.theme, theme_params, link),
        commune=_rows(dims["commune_id"], total, names.commune, commune_params, link),
        subtheme=_rows(by_subtheme, total, lambda key: names.subtheme(key[1]), subtheme_params,
                       link, extra=subtheme_extra)[:12],
        nature=_rows(nature_counts, total, lambda n: natures[n],
                     lambda n: with_base(nature=n), link),
        category=_rows(category_counts, total, lambda c: categories[c], lambda c: None, link),
        status=_rows(status_counts, total, lambda s: statuses[s],
                     lambda s: with_base(status=s), link),
        complaints_by_theme=_rows(complaints_only["theme_id"], complaints_total, names.theme,
                                  lambda pk: complaint_params(theme_params(pk)), link),
        complaints_by_commune=_rows(complaints_only["commune_id"], complaints_total,
                                    names.commune,
                                    lambda pk: complaint_params(commune_params(pk)), link),
        complaints_by_subtheme=_rows(complaint_subthemes, complaints_total,
                                     lambda key: names.subtheme(key[1]),
                                     lambda key: complaint_params(subtheme_params(key)), link,
                                     extra=subtheme_extra)[:8],
    )


