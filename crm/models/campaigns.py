"""Proactive information sent to opted-in usagers, one delivery row per person and channel."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from maison.models import CollectionZone, Commune

from .usagers import ConsentChannel, Purpose, Usager

CAMPAIGN_PURPOSES = [(Purpose.CAMPAGNES.value, Purpose.CAMPAGNES.label),
                     (Purpose.INFORMATION.value, Purpose.INFORMATION.label)]


class Campaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        SCHEDULED = "scheduled", _("Programmée")
        SENDING = "sending", _("Envoi en cours")
        SENT = "sent", _("Envoyée")
        CANCELLED = "cancelled", _("Annulée")

    title = models.CharField(_("titre"), max_length=150)
    purpose = models.CharField(_("finalité"), max_length=20, choices=CAMPAIGN_PURPOSES,
                               default=Purpose.CAMPAGNES)
    send_email = models.BooleanField(_("par courriel"), default=True)
    send_sms = models.BooleanField(_("par SMS"), default=False)
    email_subject = models.CharField(_("objet du courriel"), max_length=150, blank=True)
    email_body = models.TextField(_("texte du courriel"), blank=True)
    sms_body = models.CharField(_("texte du SMS"), max_length=160, blank=True)
    # Targeting: empty means "everyone" on that dimension; dimensions combine with AND.
    communes = models.ManyToManyField(Commune, blank=True, related_name="+",
                                      verbose_name=_("communes"))
    zones = models.ManyToManyField(CollectionZone, blank=True, related_name="+",
                                   verbose_name=_("secteurs de collecte"))
    categories = models.JSONField(_("catégories d’usagers"), default=list, blank=True)
    # Filters registered by higher rooms (crm.registry), e.g. {"theme": ["collecte"]}.
    audience_filters = models.JSONField(_("autres critères"), default=dict, blank=True)
    status = models.CharField(_("état"), max_length=10, choices=Status.choices,
                              default=Status.DRAFT)
    scheduled_at = models.DateTimeField(_("envoi prévu le"), null=True, blank=True)
    started_at = models.DateTimeField(_("envoi commencé le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("envoi terminé le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("créée par"))

    class Meta:
        verbose_name = _("campagne")
        verbose_name_plural = _("campagnes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "scheduled_at"], name="campaign_due_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(send_email=True) | models.Q(send_sms=True),
                                   name="campaign_has_a_channel"),
        ]

    def __str__(self):
        return self.title

    @property
    def channels(self) -> list[str]:
        return [channel for channel, wanted in ((ConsentChannel.EMAIL, self.send_email),
                                                (ConsentChannel.SMS, self.send_sms)) if wanted]


class CampaignDelivery(models.Model):
    """One message of one campaign to one usager on one channel: never two, whatever happens."""

    class Status(models.TextChoices):
        PENDING = "pending", _("À envoyer")
        SENDING = "sending", _("Envoi en cours")
        SENT = "sent", _("Envoyé")
        FAILED = "failed", _("Échec")
        SKIPPED = "skipped", _("Non envoyé (consentement retiré)")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="deliveries")
    usager = models.ForeignKey(Usager, on_delete=models.CASCADE, related_name="campaign_deliveries")
    channel = models.CharField(_("canal"), max_length=10, choices=ConsentChannel.choices)
    status = models.CharField(_("état"), max_length=10, choices=Status.choices,
                              default=Status.PENDING)
    # Where it went (wiped when the usager is erased).
    address = models.CharField(_("adresse d’envoi"), max_length=254, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(_("erreur"), max_length=300, blank=True)
    provider_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("envoi de campagne")
        verbose_name_plural = _("envois de campagne")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "usager", "channel"],
                                    name="campaign_delivery_once"),
        ]
        indexes = [models.Index(fields=["campaign", "status"], name="campaign_delivery_idx")]

    def __str__(self):
        return f"{self.campaign_id} → #{self.usager_id} ({self.channel})"


def new_short_code() -> str:
    return secrets.token_urlsafe(8)


class PreferenceShortLink(models.Model):
    """A short code for SMS (160 characters leave no room for a signed token)."""

    code = models.CharField(max_length=16, unique=True, default=new_short_code)
    usager = models.ForeignKey(Usager, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("lien court de préférences")
        verbose_name_plural = _("liens courts de préférences")
        indexes = [models.Index(fields=["usager", "-expires_at"], name="shortlink_usager_idx")]

    def __str__(self):
        return self.code
