"""Usagers, their contact points and consents, and the 360° timeline of every contact."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from maison.models import CollectionZone, Commune, Street


class Category(models.TextChoices):
    RESIDENT_PERMANENT = "permanent", _("Résident permanent")
    RESIDENT_SECONDAIRE = "secondaire", _("Résident secondaire")
    PROFESSIONNEL = "professionnel", _("Professionnel")
    INCONNUE = "inconnue", _("Non renseignée")


class Usager(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    first_name = models.CharField(_("prénom"), max_length=100, blank=True)
    last_name = models.CharField(_("nom"), max_length=100, blank=True)
    organisation = models.CharField(_("raison sociale"), max_length=150, blank=True)
    category = models.CharField(_("catégorie"), max_length=20, choices=Category.choices,
                                default=Category.INCONNUE)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="usagers", verbose_name=_("commune"))
    address = models.CharField(_("adresse"), max_length=250, blank=True)
    street = models.ForeignKey(Street, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="usagers", verbose_name=_("voie"))
    zone = models.ForeignKey(CollectionZone, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="usagers", verbose_name=_("secteur de collecte"))
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    last_contact_at = models.DateTimeField(_("dernier contact"), null=True, blank=True)
    # Anonymised under the RGPD: the row stays so that statistics keep counting.
    erased_at = models.DateTimeField(_("anonymisé le"), null=True, blank=True)
    merged_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="merged_from", verbose_name=_("fusionné dans"))

    class Meta:
        verbose_name = _("usager")
        verbose_name_plural = _("usagers")
        indexes = [
            models.Index(fields=["last_name", "first_name"], name="usager_name_idx"),
            models.Index(fields=["commune", "category"], name="usager_commune_cat_idx"),
            models.Index(fields=["last_contact_at"], name="usager_last_contact_idx"),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.erased_at:
            return str(_("Usager anonymisé"))
        name = " ".join(part for part in (self.first_name, self.last_name) if part)
        return name or self.organisation or str(_("Usager sans nom"))

    @property
    def is_active(self) -> bool:
        return self.erased_at is None and self.merged_into_id is None


class ContactPoint(models.Model):
    class Kind(models.TextChoices):
        EMAIL = "email", _("Courriel")
        PHONE = "phone", _("Téléphone")

    usager = models.ForeignKey(Usager, on_delete=models.CASCADE, related_name="contact_points")
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    # Normalised: lower-cased email, or E.164 phone number.
    value = models.CharField(_("valeur"), max_length=254)
    is_mobile = models.BooleanField(_("mobile"), default=False)
    is_valid = models.BooleanField(_("valide"), default=True)
    invalid_reason = models.CharField(_("motif d’invalidité"), max_length=200, blank=True)
    is_primary = models.BooleanField(_("principal"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("coordonnée")
        verbose_name_plural = _("coordonnées")
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="contact_point_unique_value"),
        ]
        indexes = [models.Index(fields=["usager", "kind"], name="contact_usager_kind_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.value}"


class Purpose(models.TextChoices):
    INFORMATION = "information", _("Informations sur le service")
    CAMPAGNES = "campagnes", _("Campagnes d’information")
    ENQUETES = "enquetes", _("Enquêtes de satisfaction")


class ConsentChannel(models.TextChoices):
    EMAIL = "email", _("Courriel")
    SMS = "sms", _("SMS")


class ConsentText(models.Model):
    """The exact wording shown when consent was asked: proof keeps a reference to it."""

    purpose = models.CharField(_("finalité"), max_length=20, choices=Purpose.choices)
    version = models.CharField(_("version"), max_length=20)
    text = models.TextField(_("texte présenté"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("texte de consentement")
        verbose_name_plural = _("textes de consentement")
        constraints = [
            models.UniqueConstraint(fields=["purpose", "version"], name="consent_text_version"),
        ]

    def __str__(self):
        return f"{self.get_purpose_display()} v{self.version}"


class Consent(models.Model):
    """An append-only record: the latest row per (purpose, channel) is the usager's choice."""

    usager = models.ForeignKey(Usager, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("finalité"), max_length=20, choices=Purpose.choices)
    channel = models.CharField(_("canal"), max_length=10, choices=ConsentChannel.choices)
    given = models.BooleanField(_("accordé"))
    recorded_at = models.DateTimeField(_("enregistré le"))
    source = models.CharField(_("recueilli via"), max_length=30,
                              help_text=_("formulaire, accueil, téléphone, lien de préférences…"))
    text = models.ForeignKey(ConsentText, on_delete=models.PROTECT, null=True, blank=True,
                             verbose_name=_("texte présenté"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, verbose_name=_("enregistré par"))
    proof = models.JSONField(_("preuve"), default=dict, blank=True)

    class Meta:
        verbose_name = _("consentement")
        verbose_name_plural = _("consentements")
        indexes = [
            models.Index(fields=["usager", "purpose", "channel", "-recorded_at"],
                         name="consent_latest_idx"),
        ]

    def __str__(self):
        state = _("accordé") if self.given else _("refusé")
        return f"{self.get_purpose_display()} / {self.get_channel_display()} : {state}"


class TimelineEntry(models.Model):
    """One contact in the usager's 360° history, whatever the room it happened in."""

    class Kind(models.TextChoices):
        TICKET = "ticket", _("Demande")
        MESSAGE_IN = "message_in", _("Message reçu")
        MESSAGE_OUT = "message_out", _("Message envoyé")
        CALL = "call", _("Appel")
        CHAT = "chat", _("Conversation avec Sophie")
        SURVEY = "survey", _("Réponse à une enquête")
        CAMPAIGN = "campaign", _("Campagne reçue")
        CONSENT = "consent", _("Consentement")
        NOTE = "note", _("Note")

    usager = models.ForeignKey(Usager, on_delete=models.CASCADE, related_name="timeline")
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("date"))
    channel = models.CharField(_("canal"), max_length=20, blank=True)
    summary = models.CharField(_("résumé"), max_length=300)
    # A link to the source, kept as a label plus a reference to avoid importing other rooms.
    source_type = models.CharField(max_length=50, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    ticket_reference = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("historique des contacts")
        indexes = [
            models.Index(fields=["usager", "-occurred_at"], name="timeline_usager_idx"),
            # The 360° page filtered by kind stays one index range scan.
            models.Index(fields=["usager", "kind", "-occurred_at"],
                         name="timeline_usager_kind_idx"),
        ]
        constraints = [
            # One entry per source: a retried task never writes the same contact twice.
            models.UniqueConstraint(fields=["source_type", "source_id", "kind"],
                                    condition=~models.Q(source_id=""),
                                    name="timeline_unique_source"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.summary}"
