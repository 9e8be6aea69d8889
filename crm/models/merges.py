"""Probable duplicates found by the detector, and the merges supervisors decided."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .usagers import Usager


class MergeProposal(models.Model):
    """Two usagers that look like one person: a supervisor decides, never the machine."""

    class Status(models.TextChoices):
        PENDING = "pending", _("À examiner")
        MERGED = "merged", _("Fusionnés")
        REJECTED = "rejected", _("Personnes distinctes")
        OBSOLETE = "obsolete", _("Sans objet")

    # Stored with usager_a.pk < usager_b.pk, so that one pair is one row.
    usager_a = models.ForeignKey(Usager, on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("usager A"))
    usager_b = models.ForeignKey(Usager, on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("usager B"))
    score = models.PositiveSmallIntegerField(_("score"))
    # [{"code": "email_variant", "value": 92}, ...]: labels are translated when shown and the
    # reasons never repeat personal data (the page shows both records side by side).
    reasons = models.JSONField(_("motifs"), default=list)
    status = models.CharField(_("état"), max_length=10, choices=Status.choices,
                              default=Status.PENDING)
    detected_at = models.DateTimeField(_("détecté le"))
    decided_at = models.DateTimeField(_("décidé le"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("décidé par"))

    class Meta:
        verbose_name = _("doublon probable")
        verbose_name_plural = _("doublons probables")
        constraints = [
            models.UniqueConstraint(fields=["usager_a", "usager_b"],
                                    name="merge_proposal_unique_pair"),
            models.CheckConstraint(condition=models.Q(usager_a__lt=models.F("usager_b")),
                                   name="merge_proposal_ordered_pair"),
        ]
        indexes = [models.Index(fields=["status", "-score"], name="merge_proposal_status_idx")]

    def __str__(self):
        return f"#{self.usager_a_id} ~ #{self.usager_b_id} ({self.score})"


class Merge(models.Model):
    """One merge of `source` into `target`, with everything needed to undo it."""

    source = models.ForeignKey(Usager, on_delete=models.PROTECT, related_name="merges_as_source",
                               verbose_name=_("usager fusionné"))
    target = models.ForeignKey(Usager, on_delete=models.PROTECT, related_name="merges_as_target",
                               verbose_name=_("usager conservé"))
    proposal = models.ForeignKey(MergeProposal, on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="merges")
    performed_at = models.DateTimeField(_("fusionné le"))
    performed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("fusionné par"))
    # Ids moved from source to target per kind of record, the target's fields that were filled
    # in from the source, and what each room's merge handler returned.
    undo_data = models.JSONField(default=dict)
    undone_at = models.DateTimeField(_("annulé le"), null=True, blank=True)
    undone_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+",
                                  verbose_name=_("annulé par"))

    class Meta:
        verbose_name = _("fusion")
        verbose_name_plural = _("fusions")
        indexes = [models.Index(fields=["-performed_at"], name="merge_performed_idx")]

    def __str__(self):
        return f"#{self.source_id} → #{self.target_id}"

    @property
    def is_active(self) -> bool:
        return self.undone_at is None
