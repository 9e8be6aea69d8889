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
