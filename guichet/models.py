"""Tickets (sollicitations), their messages and audit trail, queues, SLA and knowledge base."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from crm.models import Category, Usager
from maison.models import Commune, Street, SubTheme, Theme


class Channel(models.TextChoices):
    ACCUEIL = "accueil", _("Accueil physique")
    TELEPHONE = "telephone", _("Téléphone")
    EMAIL = "email", _("Courriel")
    SMS = "sms", _("SMS")
    FORMULAIRE = "formulaire", _("Formulaire web")
    CHATBOT = "chatbot", _("Chatbot Sophie")
    COURRIER = "courrier", _("Courrier")


class Nature(models.TextChoices):
    INFORMATION = "information", _("Demande d’information")
    TRANSACTION = "transaction", _("Transaction")
    RECLAMATION = "reclamation", _("Réclamation")
    RENDEZ_VOUS = "rendez_vous", _("Prise de rendez-vous")
    SIGNALEMENT = "signalement", _("Signalement d’anomalie")


class Status(models.TextChoices):
    NOUVEAU = "nouveau", _("Nouveau")
    EN_COURS = "en_cours", _("En cours")
    EN_ATTENTE = "en_attente", _("En attente de l’usager")
    RESOLU = "resolu", _("Résolu")
    CLOS = "clos", _("Clos")


OPEN_STATUSES = (Status.NOUVEAU, Status.EN_COURS, Status.EN_ATTENTE)
DONE_STATUSES = (Status.RESOLU, Status.CLOS)


class Priority(models.IntegerChoices):
    BASSE = 1, _("Basse")
    NORMALE = 2, _("Normale")
    HAUTE = 3, _("Haute")
    URGENTE = 4, _("Urgente")


class CloseReason(models.TextChoices):
    TRAITE = "traite", _("Traitée")
    SANS_SUITE = "sans_suite", _("Sans suite")
    DOUBLON = "doublon", _("Doublon")
    SPAM = "spam", _("Indésirable (spam)")
    HORS_COMPETENCE = "hors_competence", _("Hors compétence (réorientée)")


class Queue(models.Model):
    """A team's work list: tickets are routed to a queue by theme, then taken by an agent."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("nom"), max_length=100)
    themes = models.ManyToManyField(Theme, blank=True, related_name="queues",
                                    verbose_name=_("thèmes traités"))
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="queues",
                                     verbose_name=_("agents"))
    is_default = models.BooleanField(_("file par défaut"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("file")
        verbose_name_plural = _("files")
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=models.Q(is_default=True),
                                    name="queue_single_default"),
        ]

    def __str__(self):
        return self.name


class SlaPolicy(models.Model):
    """The engagement de service: deadlines per nature, optionally narrowed to a theme."""

    nature = models.CharField(_("nature"), max_length=20, choices=Nature.choices)
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, null=True, blank=True,
                              verbose_name=_("thème"),
                              help_text=_("Vide : s’applique à tous les thèmes."))
    first_response_hours = models.PositiveSmallIntegerField(
        _("première réponse (heures ouvrées)"), default=8)
    resolution_days = models.PositiveSmallIntegerField(_("résolution (jours ouvrés)"), default=5)

    class Meta:
        verbose_name = _("engagement de service")
        verbose_name_plural = _("engagements de service")
        constraints = [
            models.UniqueConstraint(fields=["nature", "theme"], name="sla_unique_nature_theme"),
            models.UniqueConstraint(fields=["nature"], condition=models.Q(theme__isnull=True),
                                    name="sla_unique_nature_default"),
        ]

    def __str__(self):
        scope = self.theme.label if self.theme_id else _("tous thèmes")
        return f"{self.get_nature_display()} ({scope}) : {self.resolution_days} j"


def new_tracking_code() -> str:
    return secrets.token_urlsafe(9)


class Ticket(models.Model):
    reference = models.CharField(_("référence"), max_length=32, unique=True, null=True)
    tracking_code = models.CharField(max_length=24, default=new_tracking_code, editable=False)
    channel = models.CharField(_("canal"), max_length=20, choices=Channel.choices)
    nature = models.CharField(_("nature"), max_length=20, choices=Nature.choices,
                              default=Nature.INFORMATION)
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="tickets", verbose_name=_("thème"))
    subtheme = models.ForeignKey(SubTheme, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="tickets", verbose_name=_("sous-thème"))
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="tickets", verbose_name=_("commune"))
    street = models.ForeignKey(Street, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="tickets", verbose_name=_("voie"))
    address = models.CharField(_("lieu"), max_length=250, blank=True)
    usager = models.ForeignKey(Usager, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="tickets", verbose_name=_("usager"))
    # Snapshot for statistics: stays true to the request even if the usager changes later.
    usager_category = models.CharField(_("catégorie d’usager"), max_length=20,
                                       choices=Category.choices, default=Category.INCONNUE)
    subject = models.CharField(_("objet"), max_length=200)
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices,
                              default=Status.NOUVEAU)
    priority = models.PositiveSmallIntegerField(_("priorité"), choices=Priority.choices,
                                                default=Priority.NORMALE)
    queue = models.ForeignKey(Queue, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="tickets", verbose_name=_("file"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="assigned_tickets",
                                 verbose_name=_("agent"))
    created_at = models.DateTimeField(_("reçue le"), db_index=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    first_response_due_at = models.DateTimeField(_("première réponse attendue"), null=True,
                                                 blank=True)
    due_at = models.DateTimeField(_("échéance"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("première réponse"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("résolue le"), null=True, blank=True)
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True)
    close_reason = models.CharField(_("motif de clôture"), max_length=20,
                                    choices=CloseReason.choices, blank=True)
    callback_requested = models.BooleanField(_("rappel demandé"), default=False)
    # Optimistic locking: two agents editing one ticket never silently overwrite each other.
    version = models.PositiveIntegerField(default=1)
    duplicate_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="duplicates", verbose_name=_("doublon de"))
    follows = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="followed_by", verbose_name=_("suite de"))

    class Meta:
        verbose_name = _("demande")
        verbose_name_plural = _("demandes")
        indexes = [
            models.Index(fields=["status", "-created_at"], name="ticket_status_created_idx"),
            models.Index(fields=["assignee", "status", "-created_at"],
                         name="ticket_assignee_idx"),
            models.Index(fields=["queue", "status", "-created_at"], name="ticket_queue_idx"),
            models.Index(fields=["status", "due_at"], name="ticket_status_due_idx"),
            models.Index(fields=["usager", "-created_at"], name="ticket_usager_idx"),
            models.Index(fields=["theme", "-created_at"], name="ticket_theme_idx"),
            models.Index(fields=["commune", "-created_at"], name="ticket_commune_idx"),
            models.Index(fields=["channel", "-created_at"], name="ticket_channel_idx"),
            models.Index(fields=["nature", "-created_at"], name="ticket_nature_idx"),
            models.Index(fields=["street", "nature", "status"], name="ticket_street_nature_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="clos") | models.Q(closed_at__isnull=False),
                name="ticket_closed_has_date"),
        ]

    def __str__(self):
        return f"{self.reference} — {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Message(models.Model):
    class Direction(models.TextChoices):
        IN = "in", _("Reçu")
        OUT = "out", _("Envoyé")
        NOTE = "note", _("Note interne")
        CALL = "call", _("Appel")

    class Delivery(models.TextChoices):
        NONE = "", _("—")
        PENDING = "pending", _("En attente d’envoi")
        SENDING = "sending", _("Envoi en cours")
        SENT = "sent", _("Envoyé")
        DELIVERED = "delivered", _("Distribué")
        FAILED = "failed", _("Échec")
        BOUNCED = "bounced", _("Rejeté")
        COMPLAINED = "complained", _("Signalé comme indésirable")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(_("sens"), max_length=10, choices=Direction.choices)
    channel = models.CharField(_("canal"), max_length=20, choices=Channel.choices)
    author_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    author_usager = models.ForeignKey(Usager, on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="messages")
    subject = models.CharField(_("objet"), max_length=250, blank=True)
    body = models.TextField(_("texte"))
    # HTML as received, already sanitised (nh3): safe to render in the back office.
    body_html = models.TextField(_("texte mis en forme"), blank=True)
    # Shown on the resident's public follow-up page (internal notes never are).
    public = models.BooleanField(_("visible par l’usager"), default=True)
    external_id = models.CharField(_("identifiant externe"), max_length=255, blank=True)
    # Our own Message-ID for outbound email, so replies (In-Reply-To) thread back.
    message_id_header = models.CharField(max_length=255, blank=True, db_index=True)
    to_address = models.CharField(_("destinataire"), max_length=254, blank=True)
    delivery_status = models.CharField(_("état d’envoi"), max_length=20, choices=Delivery.choices,
                                       blank=True, default="")
    delivery_error = models.CharField(_("erreur d’envoi"), max_length=300, blank=True)
    provider_id = models.CharField(max_length=255, blank=True, db_index=True)
    send_attempts = models.PositiveSmallIntegerField(default=0)
    # When a worker claimed the message for sending: a claim left long ago by a crashed worker
    # is recovered by the sweeper (guichet.delivery.recover_stuck) without sending twice.
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("date"), db_index=True)
    metadata = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [
            # A retried delivery (same Message-ID, same MessageSid) is stored once.
            models.UniqueConstraint(fields=["channel", "external_id"],
                                    condition=~models.Q(external_id=""),
                                    name="message_unique_external_id"),
        ]
        indexes = [models.Index(fields=["ticket", "created_at"], name="message_ticket_idx")]

    def __str__(self):
        return f"{self.get_direction_display()} {self.created_at:%d/%m/%Y %H:%M}"


def attachment_path(instance, filename):
    return f"attachments/{instance.message.created_at:%Y/%m}/{secrets.token_hex(8)}-{filename}"


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    filename = models.CharField(_("nom du fichier"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")

    def __str__(self):
        return self.filename


class RawInbound(models.Model):
    """What a resident sent, kept as received before processing: nothing is ever lost.

    When processing fails, agents see the raw input in the back office and can retry.
    """

    class State(models.TextChoices):
        RECEIVED = "received", _("Reçu")
        PROCESSED = "processed", _("Traité")
        FAILED = "failed", _("Échec du traitement")
        IGNORED = "ignored", _("Ignoré (réponse automatique)")

    channel = models.CharField(_("canal"), max_length=20, choices=Channel.choices)
    external_id = models.CharField(max_length=255, blank=True)
    received_at = models.DateTimeField(_("reçu le"), auto_now_add=True)
    payload = models.JSONField(_("contenu reçu"))
    state = models.CharField(_("état"), max_length=20, choices=State.choices,
                             default=State.RECEIVED)
    error = models.TextField(_("erreur"), blank=True)
    ticket = models.ForeignKey(Ticket, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="raw_inbounds")

    class Meta:
        verbose_name = _("entrée brute")
        verbose_name_plural = _("entrées brutes")
        indexes = [models.Index(fields=["state", "-received_at"], name="raw_state_idx"),
                   models.Index(fields=["channel", "external_id"], name="raw_channel_extid_idx")]

    def __str__(self):
        return f"{self.get_channel_display()} {self.received_at:%d/%m/%Y %H:%M}"


class TicketEvent(models.Model):
    """The audit trail: every change to a ticket, who made it and when."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Création")
        STATUS = "status", _("Statut")
        ASSIGNED = "assigned", _("Affectation")
        QUEUE = "queue", _("File")
        FIELD = "field", _("Modification")
        MESSAGE = "message", _("Message")
        REOPENED = "reopened", _("Réouverture")
        DELIVERY = "delivery", _("Envoi")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+")
    field = models.CharField(max_length=50, blank=True)
    old_value = models.CharField(max_length=250, blank=True)
    new_value = models.CharField(max_length=250, blank=True)
    created_at = models.DateTimeField()
    public = models.BooleanField(_("visible par l’usager"), default=False)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("historique")
        verbose_name_plural = _("historique")
        indexes = [models.Index(fields=["ticket", "created_at"], name="ticketevent_ticket_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.field}: {self.old_value} → {self.new_value}"


class KnowledgeArticle(models.Model):
    """The elements of the right answer for a type of request; used by agents and Sophie."""

    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="articles",
                              verbose_name=_("thème"))
    subtheme = models.ForeignKey(SubTheme, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="articles", verbose_name=_("sous-thème"))
    title = models.CharField(_("titre"), max_length=200)
    body = models.TextField(_("éléments de réponse"))
    keywords = models.CharField(_("mots-clés"), max_length=300, blank=True)
    published = models.BooleanField(_("publié"), default=True)
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["theme__position", "title"]
        verbose_name = _("article de la base de connaissances")
        verbose_name_plural = _("base de connaissances")

    def __str__(self):
        return self.title


class TicketFollower(models.Model):
    """A resident who reported the same problem and chose to follow the existing signalement.

    Followers are told when it is resolved; they never see the reporter's messages.
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="followers")
    usager = models.ForeignKey(Usager, on_delete=models.CASCADE, related_name="followed_tickets")
    created_at = models.DateTimeField(_("depuis le"))
    notified_at = models.DateTimeField(_("prévenu le"), null=True, blank=True)

    class Meta:
        verbose_name = _("abonné au signalement")
        verbose_name_plural = _("abonnés au signalement")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "usager"], name="ticket_follower_unique"),
        ]

    def __str__(self):
        return f"{self.usager_id} → {self.ticket_id}"


class AgentNotice(models.Model):
    """An in-app notice for an agent (e.g. a reply that could not be delivered)."""

    class Kind(models.TextChoices):
        DELIVERY_FAILED = "delivery_failed", _("Envoi impossible")
        BOUNCED = "bounced", _("Adresse rejetée")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="guichet_notices")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="notices")
    message = models.ForeignKey(Message, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="notices")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    text = models.CharField(_("texte"), max_length=300)
    created_at = models.DateTimeField(_("date"))
    read_at = models.DateTimeField(_("lu le"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("alerte agent")
        verbose_name_plural = _("alertes agents")
        indexes = [models.Index(fields=["user", "read_at", "-created_at"],
                                name="notice_user_unread_idx")]
        constraints = [
            # One notice per (user, message, kind): a retried task never alerts twice.
            models.UniqueConstraint(fields=["user", "message", "kind"],
                                    name="notice_unique_per_message"),
        ]

    def __str__(self):
        return self.text
