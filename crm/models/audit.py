"""Who looked at, changed, exported or erased personal data (RGPD accountability)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .usagers import Usager


class AccessLog(models.Model):
    class Action(models.TextChoices):
        VIEW = "view", _("Consultation")
        EDIT = "edit", _("Modification")
        CONSENT = "consent", _("Consentement recueilli")
        EXPORT = "export", _("Export")
        ERASE = "erase", _("Anonymisation")
        MERGE = "merge", _("Fusion")
        UNMERGE = "unmerge", _("Annulation de fusion")

    # Usagers are anonymised, never deleted: the log keeps pointing at the row.
    usager = models.ForeignKey(Usager, on_delete=models.SET_NULL, null=True,
                               related_name="access_logs", verbose_name=_("usager"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="+", verbose_name=_("par"))
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    at = models.DateTimeField(_("date"))
    # Field names, counts, formats: what was done. Old values of edits are kept here until the
    # usager is erased, when they are wiped with the rest.
    detail = models.JSONField(_("détail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("journal d’accès")
        verbose_name_plural = _("journal des accès aux données personnelles")
        indexes = [
            models.Index(fields=["usager", "-at"], name="accesslog_usager_idx"),
            models.Index(fields=["user", "-at"], name="accesslog_user_idx"),
            models.Index(fields=["action", "-at"], name="accesslog_action_idx"),
        ]

    def __str__(self):
        return f"{self.get_action_display()} #{self.usager_id} {self.at:%d/%m/%Y %H:%M}"
