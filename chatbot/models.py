"""Sophie's data: what she knows (answers, sorting guide, déchèteries, drop-off points),
what she learns from (training phrases, releases), and what she said (conversations, turns)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from crm.models import Usager
from maison.models import Commune, SubTheme, Theme

NULL_LABEL = "__null__"  # a reviewed message that is out of scope


class Intent(models.Model):
    """One entry of the catalogue (/shared/sophie/intents.md): its id is a contract."""

    class Nature(models.TextChoices):
        # Mirrors guichet's natures by value; chatbot only passes the value to guichet.
        INFORMATION = "information", _("Demande d’information")
        TRANSACTION = "transaction", _("Transaction")
        RECLAMATION = "reclamation", _("Réclamation")
        RENDEZ_VOUS = "rendez_vous", _("Prise de rendez-vous")
        SIGNALEMENT = "signalement", _("Signalement d’anomalie")

    code = models.SlugField(_("identifiant"), max_length=60, unique=True)
    label = models.CharField(_("libellé"), max_length=120,
                             help_text=_("Proposé à l’usager quand Sophie hésite."))
    theme = models.ForeignKey(Theme, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("thème"))
    subtheme = models.ForeignKey(SubTheme, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("sous-thème"))
    nature = models.CharField(_("nature des demandes ouvertes"), max_length=20,
                              choices=Nature.choices, default=Nature.INFORMATION)
    active = models.BooleanField(_("actif"), default=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("intention")
        verbose_name_plural = _("intentions")

    def __str__(self):
        return f"{self.label} ({self.code})"


class Answer(models.Model):
    """A text Sophie says for an intent. `{placeholders}` are filled with computed parts."""

    intent = models.ForeignKey(Intent, on_delete=models.CASCADE, related_name="answers",
                               null=True, blank=True, verbose_name=_("intention"),
                               help_text=_("Vide : phrase commune de Sophie (questions, "
                                           "accueil, coordonnées du service)."))
    key = models.SlugField(_("variante"), max_length=40, default="main",
                           help_text=_("« main » : la réponse principale ; les autres "
                                       "variantes servent aux questions et cas particuliers."))
    text = models.TextField(_("texte"))
    quick_replies = models.JSONField(_("réponses rapides"), default=list, blank=True,
                                     help_text=_("Liste de boutons proposés après ce texte."))
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["intent__position", "intent__code", "key"]
        verbose_name = _("réponse")
        verbose_name_plural = _("réponses")
        constraints = [
            models.UniqueConstraint(fields=["intent", "key"], name="answer_unique_key_per_intent"),
            models.UniqueConstraint(fields=["key"], condition=models.Q(intent__isnull=True),
                                    name="answer_unique_common_key"),
        ]

    def __str__(self):
        return f"{self.intent.code if self.intent_id else 'sophie'} / {self.key}"


class TrainingPhrase(models.Model):
    """An example of what residents say for an intent (no intent: out of scope).

    Drafts are evaluated before they are published; publishing rebuilds Sophie.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        PUBLISHED = "published", _("Publiée")

    class Source(models.TextChoices):
        SEED = "seed", _("Jeu d’entraînement initial")
        REVIEW = "review", _("Relecture d’une conversation")
        MANUAL = "manual", _("Saisie par un superviseur")

    intent = models.ForeignKey(Intent, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="phrases", verbose_name=_("intention"),
                               help_text=_("Vide : message hors sujet."))
    text = models.CharField(_("phrase"), max_length=500)
    status = models.CharField(_("état"), max_length=10, choices=Status.choices,
                              default=Status.DRAFT)
    source = models.CharField(_("origine"), max_length=10, choices=Source.choices,
                              default=Source.MANUAL)
    source_turn = models.ForeignKey("Turn", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["intent__code", "text"]
        verbose_name = _("phrase d’entraînement")
        verbose_name_plural = _("phrases d’entraînement")
        indexes = [models.Index(fields=["status", "intent"], name="phrase_status_intent_idx")]

    def __str__(self):
        return self.text


class EngineRelease(models.Model):
    """A published state of the training set: its id is the engine version."""

    published_at = models.DateTimeField(_("publiée le"), auto_now_add=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True)
    phrases = models.PositiveIntegerField(_("phrases publiées"), default=0)
    report = models.JSONField(_("évaluation"), default=dict, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("version de Sophie")
        verbose_name_plural = _("versions de Sophie")

    def __str__(self):
        return f"v{self.pk} — {self.published_at:%d/%m/%Y %H:%M}"


class EvaluationRun(models.Model):
    """Cross-validated accuracy of the training set (with drafts), computed by a task."""

    class State(models.TextChoices):
        PENDING = "pending", _("En attente")
        DONE = "done", _("Terminée")
        FAILED = "failed", _("Échec")

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    include_drafts = models.BooleanField(default=True)
    report = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("évaluation")
        verbose_name_plural = _("évaluations")

    def __str__(self):
        return f"#{self.pk} {self.get_state_display()}"


# --- Knowledge ---------------------------------------------------------------------------------

class Destination(models.TextChoices):
    """Where an object goes (keys of the sorting guide's "flux" table)."""

    ORDURES_MENAGERES = "ordures_menageres", _("Bac des ordures ménagères")
    EMBALLAGES = "emballages", _("Bac jaune (emballages)")
    VERRE = "verre", _("Colonne à verre")
    PAPIER = "papier", _("Conteneur à papier")
    VEGETAUX = "vegetaux", _("Déchets verts (déchèterie ou collecte des végétaux)")
    DECHETERIE = "decheterie", _("Déchèterie")
    TEXTILES = "textiles", _("Borne textile")
    PHARMACIE = "pharmacie", _("Pharmacie")
    POINT_COLLECTE_PILES = "point_collecte_piles", _("Point de collecte en magasin ou "
                                                     "déchèterie")
    ENCOMBRANTS = "encombrants", _("Encombrants (collecte sur rendez-vous ou déchèterie)")
    DECHETS_DANGEREUX = "dechets_dangereux", _("Déchèterie, local des déchets dangereux")
    COMPOST = "compost", _("Composteur")


class SortingItem(models.Model):
    name = models.CharField(_("objet"), max_length=120, unique=True)
    synonyms = models.JSONField(_("autres noms"), default=list, blank=True)
    destination = models.CharField(_("destination"), max_length=30,
                                   choices=Destination.choices)
    advice = models.CharField(_("conseil"), max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("objet du guide du tri")
        verbose_name_plural = _("guide du tri")

    def __str__(self):
        return self.name


class Decheterie(models.Model):
    name = models.CharField(_("nom"), max_length=120, unique=True)
    slug = models.SlugField(_("identifiant"), max_length=120, unique=True)
    aliases = models.JSONField(_("autres noms"), default=list, blank=True)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("commune"))
    address = models.CharField(_("adresse"), max_length=200)
    phone = models.CharField(_("téléphone"), max_length=20, blank=True)
    serves = models.ManyToManyField(Commune, blank=True, related_name="+",
                                    verbose_name=_("communes rattachées"),
                                    help_text=_("Déchèterie la plus proche de ces communes."))
    hours = models.JSONField(
        _("horaires"), default=dict,
        help_text=_("{\"summer\": {\"lundi\": [\"09:00-12:00\", …]}, \"winter\": {…}}"))
    summer_start = models.CharField(_("début des horaires d’été (MM-JJ)"), max_length=5,
                                    default="04-01")
    summer_end = models.CharField(_("fin des horaires d’été (MM-JJ)"), max_length=5,
                                  default="09-30")
    closed_on_public_holidays = models.BooleanField(_("fermée les jours fériés"), default=True)
    accepted = models.JSONField(_("déchets acceptés"), default=dict, blank=True)
    refused = models.JSONField(_("déchets refusés"), default=list, blank=True)
    access = models.JSONField(_("conditions d’accès"), default=dict, blank=True)
    professionals = models.JSONField(_("professionnels"), default=dict, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("déchèterie")
        verbose_name_plural = _("déchèteries")

    def __str__(self):
        return self.name


class DropOffPoint(models.Model):
    """A point d’apport volontaire: glass, packaging, paper or textile containers."""

    class Kind(models.TextChoices):
        VERRE = "verre", _("Colonne à verre")
        EMBALLAGES = "emballages", _("Colonne emballages")
        PAPIER = "papier", _("Colonne à papier")
        TEXTILES = "textiles", _("Borne textile")

    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("commune"))
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    place = models.CharField(_("emplacement"), max_length=150)
    underground = models.BooleanField(_("enterrée"), default=False)
    active = models.BooleanField(_("en service"), default=True)

    class Meta:
        ordering = ["commune__slug", "kind", "place"]
        verbose_name = _("point d’apport volontaire")
        verbose_name_plural = _("points d’apport volontaire")
        indexes = [models.Index(fields=["commune", "kind"], name="pav_commune_kind_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.place}"


# --- Conversations -----------------------------------------------------------------------------

class Conversation(models.Model):
    class Status(models.TextChoices):
        BOT = "bot", _("Avec Sophie")
        WAITING = "waiting", _("En attente d’un conseiller")
        AGENT = "agent", _("Avec un conseiller")
        CLOSED = "closed", _("Terminée")

    # Unguessable: the id is the only credential of an anonymous resident.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("commencée le"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("dernier message"), auto_now=True)
    status = models.CharField(_("état"), max_length=10, choices=Status.choices,
                              default=Status.BOT)
    state = models.JSONField(default=dict, blank=True)
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="chat_conversations",
                              verbose_name=_("conseiller"))
    handoff_at = models.DateTimeField(_("mise en relation demandée le"), null=True, blank=True)
    usager = models.ForeignKey(Usager, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="chat_conversations", verbose_name=_("usager"))
    tickets = models.JSONField(_("demandes ouvertes"), default=list, blank=True)
    rating = models.PositiveSmallIntegerField(_("note"), null=True, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    last_intent = models.CharField(_("dernière intention"), max_length=60, blank=True)
    needs_review = models.BooleanField(_("à relire"), default=False)
    reviewed = models.BooleanField(_("relue"), default=False)
    turn_count = models.PositiveIntegerField(default=0)
    page = models.CharField(_("page d’origine"), max_length=300, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        indexes = [
            models.Index(fields=["status", "-updated_at"], name="conv_status_idx"),
            models.Index(fields=["needs_review", "reviewed", "-updated_at"],
                         name="conv_review_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="conversation_rating_1_to_5"),
        ]

    def __str__(self):
        return f"{self.created_at:%d/%m/%Y %H:%M} — {self.get_status_display()}"


def turn_photo_path(instance, filename):
    return f"chatbot/{instance.conversation_id}/{uuid.uuid4().hex[:12]}-{filename}"


class Turn(models.Model):
    class Role(models.TextChoices):
        USAGER = "usager", _("Usager")
        SOPHIE = "sophie", _("Sophie")
        AGENT = "agent", _("Conseiller")
        SYSTEM = "system", _("Information")

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE,
                                     related_name="turns")
    seq = models.PositiveIntegerField()
    role = models.CharField(max_length=10, choices=Role.choices)
    text = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+")
    intent = models.CharField(max_length=60, blank=True)
    confidence = models.FloatField(null=True, blank=True)
    entities = models.JSONField(default=dict, blank=True)
    quick_replies = models.JSONField(default=list, blank=True)
    photo = models.FileField(upload_to=turn_photo_path, max_length=300, blank=True)
    photo_name = models.CharField(max_length=200, blank=True)
    photo_type = models.CharField(max_length=100, blank=True)
    # Learning loop: flagged when Sophie did not understand or hesitated.
    needs_review = models.BooleanField(default=False)
    review_label = models.CharField(_("intention correcte"), max_length=60, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["conversation", "seq"]
        verbose_name = _("message de conversation")
        verbose_name_plural = _("messages de conversation")
        constraints = [models.UniqueConstraint(fields=["conversation", "seq"],
                                               name="turn_unique_seq")]
        indexes = [models.Index(fields=["needs_review", "-created_at"],
                                name="turn_review_idx")]

    def __str__(self):
        return f"{self.get_role_display()} #{self.seq}"


class AgentPresence(models.Model):
    """An agent with the live-chat page open (heartbeat): Sophie hands over only then."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="chat_presence")
    last_seen_at = models.DateTimeField()
    accepting = models.BooleanField(_("disponible pour le chat"), default=True)

    class Meta:
        verbose_name = _("présence d’un conseiller")
        verbose_name_plural = _("présences des conseillers")

    def __str__(self):
        return f"{self.user} {self.last_seen_at:%H:%M:%S}"
