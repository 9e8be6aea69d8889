"""The territory shared by every room: communes, collection zones, streets, themes, holidays."""

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class Commune(models.Model):
    name = models.CharField(_("nom"), max_length=100, unique=True)
    slug = models.SlugField(_("identifiant"), max_length=100, unique=True)
    postal_code = models.CharField(_("code postal"), max_length=5)
    aliases = models.JSONField(
        _("autres écritures"), default=list, blank=True,
        help_text=_("Comme les habitants l’écrivent : « Trouville », « St Arnoult »…"))
    mairie_phone = models.CharField(_("téléphone de la mairie"), max_length=20, blank=True)
    mairie_email = models.EmailField(_("courriel de la mairie"), blank=True)
    mairie_address = models.CharField(_("adresse de la mairie"), max_length=200, blank=True)

    class Meta:
        ordering = ["slug"]  # accent-free, so "Bénerville" sorts before "Blonville" everywhere
        verbose_name = _("commune")
        verbose_name_plural = _("communes")

    def __str__(self):
        return self.name


class CollectionZone(models.Model):
    """A collection sector: every street of a commune belongs to exactly one zone."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("nom"), max_length=100)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="zones",
                                verbose_name=_("commune"))

    class Meta:
        ordering = ["commune__name", "code"]
        verbose_name = _("secteur de collecte")
        verbose_name_plural = _("secteurs de collecte")

    def __str__(self):
        return f"{self.name} ({self.code})"


class Street(models.Model):
    name = models.CharField(_("voie"), max_length=150)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="streets",
                                verbose_name=_("commune"))
    zone = models.ForeignKey(CollectionZone, on_delete=models.PROTECT, related_name="streets",
                             verbose_name=_("secteur de collecte"))

    class Meta:
        ordering = ["commune__name", "name"]
        verbose_name = _("voie")
        verbose_name_plural = _("voies")
        constraints = [
            models.UniqueConstraint(Lower("name"), "commune", name="street_unique_per_commune"),
        ]

    def __str__(self):
        return f"{self.name}, {self.commune}"


class Theme(models.Model):
    """A motif of requests (collecte, tri, déchèteries…), rolled out one after another."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    label = models.CharField(_("libellé"), max_length=100)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    active = models.BooleanField(_("ouvert au guichet"), default=True)

    class Meta:
        ordering = ["position", "label"]
        verbose_name = _("thème")
        verbose_name_plural = _("thèmes")

    def __str__(self):
        return self.label


class SubTheme(models.Model):
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="subthemes",
                              verbose_name=_("thème"))
    code = models.SlugField(_("code"), max_length=50)
    label = models.CharField(_("libellé"), max_length=100)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    active = models.BooleanField(_("actif"), default=True)

    class Meta:
        ordering = ["theme__position", "position", "label"]
        verbose_name = _("sous-thème")
        verbose_name_plural = _("sous-thèmes")
        constraints = [
            models.UniqueConstraint(fields=["theme", "code"],
                                    name="subtheme_code_unique_per_theme"),
        ]

    def __str__(self):
        return f"{self.theme.label} › {self.label}"


class SchoolHoliday(models.Model):
    """School holidays as published by the Ministry; the admin keeps them up to date."""

    label = models.CharField(_("libellé"), max_length=100)
    zone = models.CharField(_("zone"), max_length=10, default="C")
    first_day = models.DateField(_("premier jour de vacances"))
    last_day = models.DateField(_("dernier jour de vacances"))

    class Meta:
        ordering = ["first_day"]
        verbose_name = _("vacances scolaires")
        verbose_name_plural = _("vacances scolaires")
        constraints = [
            models.CheckConstraint(condition=models.Q(last_day__gte=models.F("first_day")),
                                   name="school_holiday_dates_ordered"),
        ]

    def __str__(self):
        return f"{self.label} ({self.zone}) {self.first_day:%d/%m/%Y} – {self.last_day:%d/%m/%Y}"


class LiveEvent(models.Model):
    """The cockpit feed on the embedded default (Redis pub/sub carries it in production).

    Payloads hold ids, references and labels, never personal data.
    """

    kind = models.CharField(max_length=50)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("événement temps réel")
        verbose_name_plural = _("événements temps réel")

    def __str__(self):
        return f"{self.kind} #{self.pk}"


# --- Collection calendar (door-to-door rounds of each zone) -------------------------------------

class Flux(models.TextChoices):
    """The waste streams collected door to door (ids shared with Sophie's understanding)."""

    ORDURES_MENAGERES = "ordures_menageres", _("ordures ménagères")
    EMBALLAGES = "emballages", _("emballages (bac jaune)")
    VERRE = "verre", _("verre")
    PAPIER = "papier", _("papiers")
    VEGETAUX = "vegetaux", _("végétaux")


def _month_day_validator(value: str) -> None:
    from datetime import date

    from django.core.exceptions import ValidationError

    try:
        month, day = (int(part) for part in value.split("-"))
        date(2024, month, day)  # a leap year, so "02-29" is accepted
    except (ValueError, TypeError):
        raise ValidationError(_("Format attendu : MM-JJ, par exemple 03-15.")) from None


class CollectionSchedule(models.Model):
    """One round: on which weekdays a zone's flux is collected, weekly or every other week.

    A zone may have several rounds for a flux (e.g. a second weekly pass in summer on the
    coast): each round applies within its season (MM-DD bounds, across the new year allowed).
    """

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("chaque semaine")
        BIWEEKLY = "biweekly", _("une semaine sur deux")

    zone = models.ForeignKey(CollectionZone, on_delete=models.CASCADE, related_name="schedules",
                             verbose_name=_("secteur de collecte"))
    flux = models.CharField(_("flux"), max_length=20, choices=Flux.choices)
    weekdays = models.JSONField(
        _("jours de collecte"), default=list,
        help_text=_("Numéros des jours : 0 = lundi … 5 = samedi, par exemple [1, 4]."))
    frequency = models.CharField(_("fréquence"), max_length=10, choices=Frequency.choices,
                                 default=Frequency.WEEKLY)
    reference_week = models.DateField(
        _("semaine de référence"), null=True, blank=True,
        help_text=_("Une semaine avec collecte, pour les tournées une semaine sur deux."))
    season_start = models.CharField(_("début de saison (MM-JJ)"), max_length=5, blank=True,
                                    validators=[_month_day_validator])
    season_end = models.CharField(_("fin de saison (MM-JJ)"), max_length=5, blank=True,
                                  validators=[_month_day_validator])
    put_out_note = models.CharField(
        _("consigne de sortie des bacs"), max_length=200, blank=True,
        help_text=_("Par exemple « la veille après 19 h »."))

    class Meta:
        ordering = ["zone__code", "flux", "id"]
        verbose_name = _("tournée de collecte")
        verbose_name_plural = _("tournées de collecte")
        indexes = [models.Index(fields=["zone", "flux"], name="schedule_zone_flux_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(frequency="biweekly") | models.Q(reference_week__isnull=False),
                name="schedule_biweekly_has_reference_week"),
            models.CheckConstraint(
                condition=(models.Q(season_start="") & models.Q(season_end=""))
                | (~models.Q(season_start="") & ~models.Q(season_end="")),
                name="schedule_season_both_or_none"),
        ]

    def __str__(self):
        return f"{self.zone.code} — {self.get_flux_display()}"

    def clean(self):
        from django.core.exceptions import ValidationError

        days = self.weekdays if isinstance(self.weekdays, list) else None
        if not days or any(not isinstance(d, int) or not 0 <= d <= 6 for d in days):
            raise ValidationError({"weekdays": _("Indiquez au moins un jour, de 0 (lundi) à "
                                                 "6 (dimanche).")})
        if self.frequency == self.Frequency.BIWEEKLY and not self.reference_week:
            raise ValidationError({"reference_week": _("Obligatoire pour une tournée une "
                                                       "semaine sur deux.")})
        if bool(self.season_start) != bool(self.season_end):
            raise ValidationError(_("Indiquez le début et la fin de la saison, ou aucun des "
                                    "deux."))


class HolidayShift(models.Model):
    """An explicit exception to the rule "a collection on a public holiday is caught up the
    next day": the round of `original_date` happens on `new_date`, or not at all."""

    zone = models.ForeignKey(CollectionZone, on_delete=models.CASCADE, null=True, blank=True,
                             related_name="holiday_shifts", verbose_name=_("secteur"),
                             help_text=_("Vide : tous les secteurs."))
    flux = models.CharField(_("flux"), max_length=20, choices=Flux.choices, blank=True,
                            help_text=_("Vide : tous les flux."))
    original_date = models.DateField(_("date prévue"))
    new_date = models.DateField(_("date de rattrapage"), null=True, blank=True,
                                help_text=_("Vide : collecte supprimée ce jour-là."))
    reason = models.CharField(_("motif"), max_length=150, blank=True)

    class Meta:
        ordering = ["original_date"]
        verbose_name = _("report de collecte")
        verbose_name_plural = _("reports de collecte")

    def __str__(self):
        target = f"{self.new_date:%d/%m/%Y}" if self.new_date else _("supprimée")
        return f"{self.original_date:%d/%m/%Y} → {target}"
