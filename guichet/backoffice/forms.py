"""Back-office forms: each validates with a plain French message, and each form that changes a
ticket carries the `version` the agent saw (optimistic locking, see guichet.services._bump)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from crm import services as crm_services
from crm.models import Category
from maison.models import Commune, SubTheme, Theme

from .. import selectors
from ..models import Channel, CloseReason, KnowledgeArticle, Nature, Priority, Queue, Status

MAX_CHARS = settings.MDS_MAX_MESSAGE_CHARS
TOO_LONG = _("Le texte est trop long : %(limit_value)s caractères au plus "
             "(il en compte %(show_value)s).")
UNKNOWN_COMMUNE = _("Commune inconnue : choisissez l’une des communes du territoire.")
UNKNOWN_CHOICE = _("Choix inconnu : sélectionnez une valeur de la liste.")


class AccessibleForm(forms.Form):
    """Links each field to its hint and error (aria-describedby) and flags invalid fields."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"{self[name].auto_id}-hint"

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            attrs = self.fields[name].widget.attrs
            ids = [attrs.get("aria-describedby", ""), f"{self[name].auto_id}-error"]
            attrs["aria-describedby"] = " ".join(part for part in ids if part)
            attrs["aria-invalid"] = "true"


def _theme_field(required=False, **kwargs):
    return forms.ModelChoiceField(
        queryset=Theme.objects.order_by("position"), required=required, label=_("Thème"),
        empty_label=_("Tous les thèmes") if not required else _("— Choisir —"),
        error_messages={"invalid_choice": _("Thème inconnu.")}, **kwargs)


def _commune_field(required=False, empty_label=None):
    return forms.ModelChoiceField(
        queryset=Commune.objects.order_by("name"), required=required, label=_("Commune"),
        empty_label=empty_label or _("Toutes les communes"),
        error_messages={"invalid_choice": UNKNOWN_COMMUNE, "required": UNKNOWN_COMMUNE})


class SubThemeField(forms.TypedChoiceField):
    """Sub-themes grouped by theme (<optgroup>), checked against the chosen theme on save."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Sous-thème"))
        kwargs.setdefault("required", False)
        super().__init__(coerce=int, empty_value=None, choices=self._grouped, **kwargs)
        self.error_messages["invalid_choice"] = _("Sous-thème inconnu.")

    @staticmethod
    def _grouped():
        groups: dict[str, list] = {}
        for sub in SubTheme.objects.select_related("theme").order_by("theme__position",
                                                                      "position"):
            groups.setdefault(sub.theme.label, []).append((sub.pk, sub.label))
        return [("", _("— Aucun —")), *groups.items()]

    def clean(self, value):
        pk = super().clean(value)
        return SubTheme.objects.select_related("theme").get(pk=pk) if pk else None


def _check_subtheme(cleaned: dict, form: forms.Form) -> None:
    theme, subtheme = cleaned.get("theme"), cleaned.get("subtheme")
    if subtheme is not None and theme is not None and subtheme.theme_id != theme.pk:
        form.add_error("subtheme", _("Ce sous-thème n’appartient pas au thème « %(theme)s ».")
                       % {"theme": theme.label})


# --- The queue -------------------------------------------------------------------------------

STATUS_FILTER_CHOICES = [
    ("open", _("À traiter (nouveau, en cours, en attente)")),
    *Status.choices,
    ("done", _("Terminées (résolues ou closes)")),
    ("any", _("Tous les statuts")),
]
SORT_CHOICES = [
    ("-created", _("Les plus récentes d’abord")),
    ("created", _("Les plus anciennes d’abord")),
    ("due", _("Échéance la plus proche")),
    ("-priority", _("Priorité la plus haute")),
    ("-updated", _("Dernière activité")),
]


class QueueFilterForm(AccessibleForm):
    status = forms.ChoiceField(label=_("Statut"), choices=STATUS_FILTER_CHOICES, required=False,
                               error_messages={"invalid_choice": UNKNOWN_CHOICE})
    theme = _theme_field()
    commune = _commune_field()
    channel = forms.ChoiceField(label=_("Canal"), required=False,
                                choices=[("", _("Tous les canaux")), *Channel.choices],
                                error_messages={"invalid_choice": UNKNOWN_CHOICE})
    nature = forms.ChoiceField(label=_("Nature"), required=False,
                               choices=[("", _("Toutes les natures")), *Nature.choices],
                               error_messages={"invalid_choice": UNKNOWN_CHOICE})
    overdue = forms.BooleanField(label=_("En retard seulement"), required=False)
    sort = forms.ChoiceField(label=_("Trier par"), choices=SORT_CHOICES, required=False,
                             error_messages={"invalid_choice": UNKNOWN_CHOICE})

    def selector_filters(self) -> dict:
        data = self.cleaned_data
        status = data.get("status") or "open"
        return {
            "status": "" if status == "any" else status,
            "theme": data.get("theme"), "commune": data.get("commune"),
            "channel": data.get("channel"), "nature": data.get("nature"),
            "overdue": data.get("overdue"),
        }

    def ordering(self) -> str:
        return self.cleaned_data.get("sort") or selectors.DEFAULT_ORDERING


# --- The ticket page -------------------------------------------------------------------------

class VersionedForm(AccessibleForm):
    """Carries the ticket version the agent saw; the service refuses a stale one."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1,
                                 error_messages={"required": _("Version de la demande manquante "
                                                               ": rechargez la page.")})

    def with_version(self, version: int) -> VersionedForm:
        """The same typed data, re-bound to the current version (after a concurrent edit)."""
        data = self.data.copy()
        data[self.add_prefix("version")] = str(version)
        return type(self)(data, prefix=self.prefix, **self._extra_kwargs())

    def _extra_kwargs(self) -> dict:
        return {}


class ReplyForm(VersionedForm):
    prefix = "reply"
    channel = forms.ChoiceField(label=_("Répondre par"), choices=[],
                                error_messages={"invalid_choice": _(
                                    "Ce canal n’est pas disponible pour cet usager.")})
    body = forms.CharField(label=_("Réponse à l’usager"), widget=forms.Textarea(attrs={"rows": 8}),
                           max_length=MAX_CHARS,
                           error_messages={"required": _("La réponse est vide."),
                                           "max_length": TOO_LONG})
    status = forms.ChoiceField(
        label=_("Après l’envoi"), required=False,
        choices=[("", _("Laisser le statut (passe « en cours » si nouveau)")),
                 (Status.EN_ATTENTE, _("Mettre en attente de l’usager")),
                 (Status.RESOLU, _("Marquer comme résolue"))],
        error_messages={"invalid_choice": UNKNOWN_CHOICE})

    def __init__(self, *args, channels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._channels = tuple(channels)
        self.fields["channel"].choices = [(c, Channel(c).label) for c in self._channels]

    def _extra_kwargs(self):
        return {"channels": self._channels}


class NoteForm(VersionedForm):
    prefix = "note"
    body = forms.CharField(label=_("Note interne (jamais montrée à l’usager)"),
                           widget=forms.Textarea(attrs={"rows": 4}), max_length=MAX_CHARS,
                           error_messages={"required": _("La note est vide."),
                                           "max_length": TOO_LONG})


class StatusForm(VersionedForm):
    prefix = "status"
    status = forms.ChoiceField(label=_("Nouveau statut"), choices=Status.choices,
                               error_messages={"invalid_choice": _("Statut inconnu.")})
    close_reason = forms.ChoiceField(label=_("Motif de clôture"), required=False,
                                     choices=[("", _("— Si vous clôturez —")),
                                              *CloseReason.choices],
                                     error_messages={"invalid_choice": _(
                                         "Motif de clôture inconnu.")})

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == Status.CLOS and not cleaned.get("close_reason"):
            self.add_error("close_reason", _("Indiquez le motif de clôture."))
        return cleaned


class AssignForm(VersionedForm):
    prefix = "assign"
    assignee = forms.ModelChoiceField(queryset=None, required=False, label=_("Agent"),
                                      empty_label=_("Personne (non affectée)"),
                                      error_messages={"invalid_choice": _("Agent inconnu.")})
    queue = forms.ModelChoiceField(queryset=Queue.objects.order_by("name"), required=False,
                                   label=_("File d’attente"), empty_label=_("— Inchangée —"),
                                   error_messages={"invalid_choice": _("File inconnue.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = selectors.ticket_handlers()
        self.fields["assignee"].label_from_instance = (
            lambda user: user.get_full_name() or user.get_username())


class QualifyForm(VersionedForm):
    prefix = "qualify"
    nature = forms.ChoiceField(label=_("Nature"), choices=Nature.choices,
                               error_messages={"invalid_choice": _("Nature inconnue.")})
    theme = _theme_field()
    subtheme = SubThemeField()
    commune = _commune_field(empty_label=_("— Non renseignée —"))
    priority = forms.TypedChoiceField(label=_("Priorité"), choices=Priority.choices, coerce=int,
                                      error_messages={"invalid_choice": _("Priorité inconnue.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].empty_label = _("— Non renseigné —")

    def clean(self):
        cleaned = super().clean()
        _check_subtheme(cleaned, self)
        return cleaned


class VisibilityForm(AccessibleForm):
    public = forms.TypedChoiceField(choices=[("1", _("Visible")), ("0", _("Masqué"))],
                                    coerce=lambda value: value == "1",
                                    error_messages={"invalid_choice": UNKNOWN_CHOICE})


# --- A new ticket at the counter or on the phone ---------------------------------------------

class NewTicketForm(AccessibleForm):
    channel = forms.ChoiceField(
        label=_("L’usager est venu"), widget=forms.RadioSelect,
        choices=[(Channel.ACCUEIL, _("À l’accueil")), (Channel.TELEPHONE, _("Au téléphone"))],
        initial=Channel.TELEPHONE, error_messages={"invalid_choice": UNKNOWN_CHOICE})
    usager = forms.IntegerField(required=False, widget=forms.HiddenInput)
    last_name = forms.CharField(label=_("Nom"), max_length=100, required=False)
    first_name = forms.CharField(label=_("Prénom"), max_length=100, required=False)
    email = forms.CharField(label=_("Courriel"), max_length=254, required=False,
                            widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    phone = forms.CharField(label=_("Téléphone"), max_length=30, required=False,
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
                            help_text=_("Par exemple 06 12 34 56 78"))
    category = forms.ChoiceField(label=_("Catégorie"), choices=Category.choices,
                                 initial=Category.INCONNUE,
                                 error_messages={"invalid_choice": UNKNOWN_CHOICE})
    commune = _commune_field(empty_label=_("— Non renseignée —"))
    address = forms.CharField(label=_("Adresse ou lieu"), max_length=250, required=False)
    nature = forms.ChoiceField(label=_("Nature"), choices=Nature.choices,
                               error_messages={"invalid_choice": _("Nature inconnue.")})
    theme = _theme_field()
    subtheme = SubThemeField()
    subject = forms.CharField(label=_("Objet"), max_length=200, required=False,
                              help_text=_("Laissez vide pour reprendre la première ligne."))
    body = forms.CharField(label=_("Ce que demande l’usager"), max_length=MAX_CHARS,
                           widget=forms.Textarea(attrs={"rows": 6}),
                           error_messages={"required": _("Décrivez la demande."),
                                           "max_length": TOO_LONG})
    callback_requested = forms.BooleanField(label=_("L’usager souhaite être rappelé"),
                                            required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].empty_label = _("— Non renseigné —")
        self.usager_obj = None

    def clean_email(self):
        value = self.cleaned_data.get("email", "").strip()
        return crm_services.normalize_email(value) if value else ""

    def clean_phone(self):
        value = self.cleaned_data.get("phone", "").strip()
        return crm_services.normalize_phone(value) if value else ""

    def clean_usager(self):
        from crm.models import Usager

        pk = self.cleaned_data.get("usager")
        if not pk:
            return None
        usager = Usager.objects.filter(pk=pk, erased_at__isnull=True).first()
        if usager is None:  # a hidden field: the message goes to the top of the form
            self.add_error(None, _("Usager introuvable : refaites la recherche."))
        return usager

    def clean(self):
        cleaned = super().clean()
        _check_subtheme(cleaned, self)
        return cleaned


# --- Knowledge base --------------------------------------------------------------------------

class KnowledgeArticleForm(AccessibleForm):
    theme = _theme_field(required=True)
    subtheme = SubThemeField()
    title = forms.CharField(label=_("Titre"), max_length=200)
    body = forms.CharField(
        label=_("Éléments de réponse"), widget=forms.Textarea(attrs={"rows": 14}),
        max_length=MAX_CHARS,
        help_text=_("Paragraphes séparés par une ligne vide ; HTML simple accepté (<p>, <ul>, "
                    "<li>, <strong>, <a>)."),
        error_messages={"max_length": TOO_LONG})
    keywords = forms.CharField(label=_("Mots-clés"), max_length=300, required=False,
                               help_text=_("Séparés par des virgules : ils aident à suggérer "
                                           "l’article."))
    published = forms.BooleanField(label=_("Publié (visible des agents et de Sophie)"),
                                   required=False, initial=True)

    def clean(self):
        cleaned = super().clean()
        _check_subtheme(cleaned, self)
        return cleaned

    @classmethod
    def for_article(cls, article: KnowledgeArticle) -> KnowledgeArticleForm:
        return cls(initial={"theme": article.theme_id, "subtheme": article.subtheme_id,
                            "title": article.title, "body": article.body,
                            "keywords": article.keywords, "published": article.published})
