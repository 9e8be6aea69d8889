"""The cockpit's own tables: per-ticket facts and pre-aggregated rollups (no one else's data).

Everything here can be rebuilt from the tickets (`manage.py cockpit_rebuild`); it exists so
that the dashboard answers in milliseconds with a million tickets. Ids of communes, themes
and sub-themes are plain integers (0 = none): the cockpit keeps no foreign key into other
rooms, it only reads them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .measures import ROLLUP_MEASURES, SUBTHEME_MEASURES


def _measure_fields(columns: list[str]) -> dict:
    return {column: (models.BigIntegerField(default=0) if column.endswith("_seconds")
                     else models.IntegerField(default=0)) for column in columns}


def _abstract(name: str, fields: dict):
    meta = type("Meta", (), {"abstract": True})
    return type(name, (models.Model,), {"__module__": __name__, "Meta": meta, **fields})


RollupMeasures = _abstract("RollupMeasures", _measure_fields(ROLLUP_MEASURES))
SubthemeMeasures = _abstract("SubthemeMeasures", _measure_fields(SUBTHEME_MEASURES))


class Grain(models.TextChoices):
    DAY = "D", _("Jour")
    MONTH = "M", _("Mois")


class TicketFact(models.Model):
    """What one ticket currently contributes to the rollups (what was last applied)."""

    ticket_id = models.BigIntegerField(primary_key=True)
    reference = models.CharField(max_length=32, blank=True)
    day = models.DateField(db_index=True)
    commune_id = models.IntegerField(default=0)
    theme_id = models.IntegerField(default=0)
    subtheme_id = models.IntegerField(default=0)
    channel = models.CharField(max_length=20)
    nature = models.CharField(max_length=20)
    category = models.CharField(max_length=20)
    status = models.CharField(max_length=20)
    created_at = models.DateTimeField()
    first_response_due_at = models.DateTimeField(null=True)
    due_at = models.DateTimeField(null=True)
    done_at = models.DateTimeField(null=True)
    first_response_seconds = models.IntegerField(null=True)
    resolution_seconds = models.IntegerField(null=True)
    first_response_met = models.BooleanField(null=True)
    resolution_met = models.BooleanField(null=True)

    class Meta:
        verbose_name = _("fait de demande")
        verbose_name_plural = _("faits de demandes")
        indexes = [models.Index(fields=["-done_at"], name="fact_done_idx")]

    def __str__(self):
        return f"{self.reference or self.ticket_id} ({self.day})"


# A key dimension set to these values means "every commune / theme / channel": each ticket is
# counted in the rows of every combination of its dimensions and "all" (a small data cube),
# so that any filter combination reads one row per day or month.
ALL_IDS = -1
ALL_CHANNELS = "*"


class Rollup(RollupMeasures):
    """Sums over the tickets received on a day (grain D) or in a month (grain M), for one
    commune, theme and channel — each possibly "all" (ALL_IDS, ALL_CHANNELS)."""

    grain = models.CharField(max_length=1, choices=Grain.choices)
    period = models.DateField()  # the day, or the first day of the month
    commune_id = models.IntegerField(default=0)
    theme_id = models.IntegerField(default=0)
    channel = models.CharField(max_length=20)

    class Meta:
        verbose_name = _("agrégat")
        verbose_name_plural = _("agrégats")
        constraints = [
            models.UniqueConstraint(fields=["grain", "period", "commune_id", "theme_id", "channel"],
                                    name="rollup_unique_key"),
        ]
        indexes = [
            models.Index(fields=["commune_id", "theme_id", "channel", "grain", "period"],
                         name="rollup_cell_idx"),
        ]

    def __str__(self):
        return f"{self.grain} {self.period} {self.commune_id}/{self.theme_id}/{self.channel}"


class SubthemeRollup(SubthemeMeasures):
    """Counts per sub-theme (the motif), kept apart so the main rollup stays small; commune
    and channel may be "all", the theme is always the sub-theme's own."""

    grain = models.CharField(max_length=1, choices=Grain.choices)
    period = models.DateField()
    commune_id = models.IntegerField(default=0)
    theme_id = models.IntegerField(default=0)
    subtheme_id = models.IntegerField(default=0)
    channel = models.CharField(max_length=20)

    class Meta:
        verbose_name = _("agrégat par sous-thème")
        verbose_name_plural = _("agrégats par sous-thème")
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "period", "commune_id", "theme_id", "subtheme_id", "channel"],
                name="subtheme_rollup_unique_key"),
        ]
        indexes = [
            models.Index(fields=["commune_id", "channel", "grain", "period"],
                         name="subrollup_cell_idx"),
        ]

    def __str__(self):
        return f"{self.grain} {self.period} {self.subtheme_id}"


SURVEY_MEASURES = ["sent", "answered", "rated", "satisfied", "resolution_answers",
                   "first_contact"]
SurveyMeasures = _abstract("SurveyMeasures", _measure_fields(SURVEY_MEASURES))


class SurveyRollup(SurveyMeasures):
    """Satisfaction surveys sent on a day (D) or in a month (M), by commune, theme and the
    request's channel — each possibly "all", as in Rollup. Recomputed day by day."""

    grain = models.CharField(max_length=1, choices=Grain.choices)
    period = models.DateField()
    commune_id = models.IntegerField(default=0)
    theme_id = models.IntegerField(default=0)
    channel = models.CharField(max_length=20)

    class Meta:
        verbose_name = _("agrégat des enquêtes")
        verbose_name_plural = _("agrégats des enquêtes")
        constraints = [
            models.UniqueConstraint(fields=["grain", "period", "commune_id", "theme_id", "channel"],
                                    name="survey_rollup_unique_key"),
        ]
        indexes = [
            models.Index(fields=["commune_id", "theme_id", "channel", "grain", "period"],
                         name="survey_rollup_cell_idx"),
        ]

    def __str__(self):
        return f"{self.grain} {self.period} {self.commune_id}/{self.theme_id}/{self.channel}"


class OpenTicket(models.Model):
    """The tickets open right now (a few thousand): backlog and overdue, which depend on the
    current time, are counted here rather than in the rollups."""

    ticket_id = models.BigIntegerField(primary_key=True)
    commune_id = models.IntegerField(default=0)
    theme_id = models.IntegerField(default=0)
    channel = models.CharField(max_length=20)
    status = models.CharField(max_length=20)
    created_at = models.DateTimeField()
    first_response_due_at = models.DateTimeField(null=True)
    due_at = models.DateTimeField(null=True)
    answered = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("demande ouverte")
        verbose_name_plural = _("demandes ouvertes")

    def __str__(self):
        return str(self.ticket_id)


class RollupState(models.Model):
    """Where the incremental update stands (a single row)."""

    # Tickets changed after this moment have not been applied yet.
    watermark = models.DateTimeField(null=True)
    rebuilding = models.BooleanField(default=False)
    surveys_refreshed_at = models.DateTimeField(null=True)
    rebuilt_at = models.DateTimeField(null=True)
    updated_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("état des agrégats")
        verbose_name_plural = _("état des agrégats")

    def __str__(self):
        return f"watermark {self.watermark}"
