"""Satisfaction surveys: per-theme questionnaires, one survey per ticket, answers, follow-ups.

A survey keeps a snapshot of what statistics need (theme, commune, channel, agent) taken when
it is planned, so results stay true to the request and never join the large ticket table.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from crm.models import ContactPoint, Usager
from maison.models import Commune, Theme


class SurveyTemplate(models.Model):
    """The questions asked for a theme; the row without a theme is the default."""

    theme = models.OneToOneField(Theme, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="+", verbose_name=_("thème"))
    enabled = models.BooleanField(_("enquêtes envoyées pour ce thème"), default=True)
    intro = models.TextField(
        _("texte d’introduction"), blank=True,
        default=_("Votre avis nous aide à améliorer le service. Cela prend moins d’une minute."))
    rating_question = models.CharField(
        _("question de satisfaction"), max_length=200,
        default=_("Êtes-vous satisfait de la réponse apportée à votre demande ?"))
    ask_resolution = models.BooleanField(_("demander si la demande a été résolue"), default=True)
    resolution_question = models.CharField(
        _("question sur la résolution"), max_length=200,
        default=_("Votre demande a-t-elle été résolue dès le premier contact ?"))
    ask_comment = models.BooleanField(_("proposer un commentaire libre"), default=True)
    comment_question = models.CharField(
        _("invitation au commentaire"), max_length=200,
        default=_("Voulez-vous nous en dire plus ? (facultatif)"))
    reopen_on_unresolved = models.BooleanField(
        _("rouvrir la demande si l’usager répond qu’elle n’est pas résolue"), default=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        constraints = [
            models.UniqueConstraint(fields=["theme"], condition=models.Q(theme__isnull=True),
                                    name="survey_template_single_default"),
        ]

    def __str__(self):
        return str(self.theme.label if self.theme_id else _("Questionnaire par défaut"))


class SurveyChannel(models.TextChoices):
    EMAIL = "email", _("Courriel")
    SMS = "sms", _("SMS")


class Survey(models.Model):
    class Status(models.TextChoices):
        DUE = "due", _("À envoyer")
        SENDING = "sending", _("Envoi en cours")
        SENT = "sent", _("Envoyée")
        ANSWERED = "answered", _("Répondue")
        EXPIRED = "expired", _("Expirée")
        SKIPPED = "skipped", _("Non envoyée")

    class SkipReason(models.TextChoices):
        NONE = "", _("—")
        SPAM = "spam", _("Demande close comme indésirable")
        DUPLICATE = "duplicate", _("Demande close comme doublon")
        NO_USAGER = "no_usager", _("Usager inconnu")
        NO_CONTACT = "no_contact", _("Aucune coordonnée valide")
        REFUSED = "refused", _("L’usager refuse les enquêtes")
        RECENT_SURVEY = "recent_survey", _("Enquête déjà envoyée récemment à cet usager")
        THEME_DISABLED = "theme_disabled", _("Enquêtes désactivées pour ce thème")
        REOPENED = "reopened", _("Demande rouverte avant l’envoi")
        USAGER_INACTIVE = "usager_inactive", _("Usager anonymisé ou fusionné")
        TOO_LATE = "too_late", _("Trop tardive pour être envoyée")
        SEND_FAILED = "send_failed", _("Envoi impossible")

    ticket = models.OneToOneField("guichet.Ticket", on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("demande"))
    ticket_reference = models.CharField(_("référence"), max_length=32)
    # Indexed by survey_usager_due_idx (usager first): every status change of a survey
    # updates each of its indexes, so none is kept twice.
    usager = models.ForeignKey(Usager, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("usager"), db_index=False)
    contact_point = models.ForeignKey(ContactPoint, on_delete=models.SET_NULL, null=True,
                                      blank=True, related_name="+")
    # Snapshot for statistics, as the ticket was when it was resolved.
    theme = models.ForeignKey(Theme, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("thème"))
    commune = models.ForeignKey(Commune, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("commune"))
    ticket_channel = models.CharField(_("canal de la demande"), max_length=20)
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+", verbose_name=_("agent"))
    resolved_at = models.DateTimeField(_("demande résolue le"))

    channel = models.CharField(_("canal de l’enquête"), max_length=10,
                               choices=SurveyChannel.choices, blank=True)
    status = models.CharField(_("état"), max_length=10, choices=Status.choices,
                              default=Status.DUE)
    skip_reason = models.CharField(_("motif"), max_length=20, choices=SkipReason.choices,
                                   blank=True, default="")
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    due_at = models.DateTimeField(_("à envoyer à partir du"))
    # Claiming: a sender owns the row until this moment; after it, another may take it again.
    claimed_until = models.DateTimeField(null=True, blank=True)
    send_attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("relance envoyée le"), null=True, blank=True)
    expires_at = models.DateTimeField(_("lien valable jusqu’au"), null=True, blank=True)
    answered_at = models.DateTimeField(_("répondue le"), null=True, blank=True)
    # The answer link is HMAC(key, id:nonce); only its SHA-256 is stored, for look-up.
    token_nonce = models.CharField(max_length=32, blank=True)
    # Unique by a constraint rather than unique=True: looked up by equality only, so no
    # second (LIKE) index to maintain on PostgreSQL.
    token_hash = models.CharField(max_length=64, null=True, blank=True)
    provider_id = models.CharField(max_length=255, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("enquête")
        verbose_name_plural = _("enquêtes")
        indexes = [
            models.Index(fields=["status", "due_at"], name="survey_status_due_idx"),
            models.Index(fields=["status", "claimed_until"], name="survey_status_claim_idx"),
            models.Index(fields=["usager", "-due_at"], name="survey_usager_due_idx"),
            models.Index(fields=["sent_at"], name="survey_sent_idx"),
            models.Index(fields=["status", "sent_at"], name="survey_status_sent_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["token_hash"], name="survey_token_hash_unique"),
            models.CheckConstraint(
                condition=~models.Q(status="skipped") | ~models.Q(skip_reason=""),
                name="survey_skipped_has_reason"),
            models.CheckConstraint(
                condition=~models.Q(status__in=["sent", "answered", "expired"])
                | models.Q(sent_at__isnull=False),
                name="survey_sent_has_date"),
        ]

    def __str__(self):
        return f"{self.ticket_reference} ({self.get_status_display()})"


class Resolution(models.TextChoices):
    FIRST_CONTACT = "first_contact", _("Oui, dès le premier contact")
    LATER = "later", _("Oui, mais après plusieurs contacts")
    UNRESOLVED = "unresolved", _("Non, elle n’est pas résolue")


class Answer(models.Model):
    """One answer per survey: a one-click rating first, completed by the form."""

    survey = models.OneToOneField(Survey, on_delete=models.CASCADE, related_name="answer")
    rating = models.PositiveSmallIntegerField(_("satisfaction (1 à 5)"), null=True, blank=True)
    resolution = models.CharField(_("résolution"), max_length=20, choices=Resolution.choices,
                                  blank=True)
    comment = models.TextField(_("commentaire"), blank=True)
    answered_at = models.DateTimeField(_("première réponse"))
    completed_at = models.DateTimeField(_("questionnaire validé le"), null=True, blank=True)
    reopened_ticket = models.BooleanField(_("a rouvert la demande"), default=False)

    class Meta:
        verbose_name = _("réponse")
        verbose_name_plural = _("réponses")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="answer_rating_1_to_5"),
        ]
        indexes = [models.Index(fields=["answered_at"], name="answer_answered_idx")]

    def __str__(self):
        return f"{self.survey.ticket_reference} : {self.rating or '—'}/5"


class FollowUp(models.Model):
    """A poor rating (1 or 2): a supervisor calls the usager back and records what was done."""

    class State(models.TextChoices):
        OPEN = "open", _("À traiter")
        IN_PROGRESS = "in_progress", _("En cours")
        DONE = "done", _("Traitée")

    survey = models.OneToOneField(Survey, on_delete=models.CASCADE, related_name="follow_up")
    state = models.CharField(_("état"), max_length=20, choices=State.choices,
                             default=State.OPEN)
    created_at = models.DateTimeField(_("créée le"))
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("suivie par"))
    handled_at = models.DateTimeField(_("traitée le"), null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    outcome = models.TextField(_("suite donnée"), blank=True)

    class Meta:
        verbose_name = _("suivi d’une réponse insatisfaite")
        verbose_name_plural = _("suivis des réponses insatisfaites")
        indexes = [models.Index(fields=["state", "created_at"], name="followup_state_idx")]

    def __str__(self):
        return f"{self.survey.ticket_reference} — {self.get_state_display()}"


class ChatRating(models.Model):
    """Sophie's one-question rating at the end of a conversation (one per conversation)."""

    conversation_ref = models.CharField(max_length=64, unique=True)
    usager = models.ForeignKey(Usager, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")
    theme = models.ForeignKey(Theme, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    commune = models.ForeignKey(Commune, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")
    rating = models.PositiveSmallIntegerField(_("satisfaction (1 à 5)"))
    rated_at = models.DateTimeField(_("notée le"), db_index=True)

    class Meta:
        verbose_name = _("note d’une conversation avec Sophie")
        verbose_name_plural = _("notes des conversations avec Sophie")
        constraints = [
            models.CheckConstraint(condition=models.Q(rating__gte=1, rating__lte=5),
                                   name="chat_rating_1_to_5"),
        ]

    def __str__(self):
        return f"{self.conversation_ref} : {self.rating}/5"


class PlanningWatermark(models.Model):
    """Where the planner stopped: tickets resolved after this moment are still to plan.

    A single row, locked while a pass runs, so two planners never run at once (which is also
    what keeps the per-usager period exact).
    """

    key = models.CharField(max_length=20, unique=True, default="tickets")
    resolved_until = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("avancement de la planification")
        verbose_name_plural = _("avancement de la planification")

    def __str__(self):
        return f"{self.key}: {self.resolved_until}"
