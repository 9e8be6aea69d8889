"""The public request form (selfcare) and the follow-up page's message form.

Strict validation with plain-French messages; every widget carries the attributes a screen
reader needs (aria-describedby towards its hint and error, aria-invalid).
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from crm import services as crm_services
from crm.models import Category, ConsentText, Purpose
from maison import selectors as territory
from maison.models import Commune, SubTheme, Theme

from .. import attachments as attachment_rules
from ..models import Nature
from . import antibot

MAX_DESCRIPTION = 5000
CONSENT_VERSION = "formulaire-2026-1"
CONSENT_WORDING = (
    "J’accepte de recevoir de la communauté de communes Cœur Côte Fleurie des informations sur "
    "la collecte des déchets et l’eau (changement de jour de collecte, travaux, coupures), par "
    "courriel ou par SMS selon les coordonnées données ci-dessus. Je peux retirer mon accord à "
    "tout moment, par le lien présent dans chaque message."
)
NATURE_CHOICES = [
    (Nature.INFORMATION, _("Poser une question")),
    (Nature.SIGNALEMENT, _("Signaler un problème (dépôt sauvage, fuite, bac abîmé…)")),
    (Nature.RECLAMATION, _("Faire une réclamation")),
    (Nature.TRANSACTION, _("Faire une démarche (bac, badge, abonnement…)")),
    (Nature.RENDEZ_VOUS, _("Prendre rendez-vous (encombrants…)")),
]
CATEGORY_CHOICES = [(Category.RESIDENT_PERMANENT, _("J’habite ici à l’année")),
                    (Category.RESIDENT_SECONDAIRE, _("J’ai une résidence secondaire")),
                    (Category.PROFESSIONNEL, _("Je suis un professionnel"))]


def consent_text() -> ConsentText:
    """The exact wording shown next to the box, kept as a versioned proof."""
    return crm_services.ensure_consent_text(purpose=Purpose.INFORMATION,
                                            version=CONSENT_VERSION, text=str(CONSENT_WORDING))


def subtheme_choices():
    groups = [("", _("Choisissez une précision (facultatif)"))]
    for theme in territory.themes():
        options = [(str(sub.pk), sub.label) for sub in theme.subthemes.all() if sub.active]
        if options:
            groups.append((theme.label, options))
    return groups


class AccessibleFormMixin:
    """Links each widget to its hint and error message for assistive technologies."""

    def describe_widgets(self) -> None:
        for name, field in self.fields.items():
            ids = []
            if field.help_text:
                ids.append(f"{name}-hint")
            if self.is_bound and name in self.errors:
                ids.append(f"{name}-error")
                field.widget.attrs["aria-invalid"] = "true"
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)


def _check_file(upload) -> None:
    if upload is None:
        return
    attachment_rules.check(filename=upload.name, content_type=upload.content_type,
                           size=upload.size)


class RequestForm(AccessibleFormMixin, forms.Form):
    nature = forms.ChoiceField(label=_("Que souhaitez-vous faire ?"), choices=NATURE_CHOICES,
                               widget=forms.RadioSelect, initial=Nature.INFORMATION)
    theme = forms.ModelChoiceField(label=_("Sujet"), queryset=Theme.objects.none(),
                                   empty_label=_("Choisissez un sujet"))
    subtheme = forms.ChoiceField(label=_("Précision"), required=False,
                                 help_text=_("Facultatif : choisissez dans le sujet retenu."))
    commune = forms.ModelChoiceField(label=_("Commune concernée"),
                                     queryset=Commune.objects.none(),
                                     empty_label=_("Choisissez une commune"))
    street = forms.CharField(label=_("Rue ou lieu (facultatif)"), required=False, max_length=250,
                             help_text=_("Par exemple : 12 rue des Bains, parking de la plage."))
    description = forms.CharField(
        label=_("Votre demande"), max_length=MAX_DESCRIPTION, widget=forms.Textarea(
            attrs={"rows": 6}),
        help_text=_("Décrivez la situation avec vos mots (5 000 caractères au plus)."))
    attachment = forms.FileField(
        label=_("Photo ou document (facultatif)"), required=False,
        help_text=_("Photo (JPEG, PNG, HEIC) ou PDF, %(max)s Mo au plus.") % {
            "max": settings.MDS_MAX_ATTACHMENT_BYTES // (1024 * 1024)})
    last_name = forms.CharField(label=_("Nom"), max_length=100,
                                widget=forms.TextInput(attrs={"autocomplete": "family-name"}))
    first_name = forms.CharField(label=_("Prénom (facultatif)"), max_length=100, required=False,
                                 widget=forms.TextInput(attrs={"autocomplete": "given-name"}))
    email = forms.CharField(
        label=_("Adresse électronique"), required=False, max_length=254,
        help_text=_("Pour recevoir l’accusé de réception et notre réponse. Par exemple : "
                    "nom@exemple.fr"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}))
    phone = forms.CharField(
        label=_("Téléphone"), required=False, max_length=30,
        help_text=_("Un numéro de portable permet de vous répondre par SMS. Par exemple : "
                    "06 12 34 56 78"),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel",
                                      "inputmode": "tel"}))
    category = forms.ChoiceField(label=_("Vous êtes"), choices=CATEGORY_CHOICES,
                                 widget=forms.RadioSelect)
    consent = forms.BooleanField(label="", required=False)

    def __init__(self, *args, following: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.following = following
        self.fields["theme"].queryset = Theme.objects.filter(active=True).order_by("position")
        self.fields["commune"].queryset = territory.communes()
        self.fields["subtheme"].choices = subtheme_choices()
        self.consent_text = consent_text()
        self.fields["consent"].label = self.consent_text.text
        if following:  # following an existing signalement: a description is welcome, optional
            self.fields["description"].required = False

    def clean_email(self):
        value = self.cleaned_data.get("email", "").strip()
        return crm_services.normalize_email(value) if value else ""

    def clean_phone(self):
        value = self.cleaned_data.get("phone", "").strip()
        if not value:
            return ""
        try:
            return crm_services.normalize_phone(value)
        except ValidationError:
            raise ValidationError(_("Ce numéro de téléphone n’est pas valide. Exemple : "
                                    "06 12 34 56 78.")) from None

    def clean_description(self):
        value = self.cleaned_data.get("description", "").strip()
        if value and len(value) < 10 and not self.following:
            raise ValidationError(_("Décrivez votre demande en quelques mots de plus."))
        return value

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        _check_file(upload)
        return upload

    def clean(self):
        data = super().clean()
        if not data.get("email") and not data.get("phone") \
                and "email" not in self.errors and "phone" not in self.errors:
            self.add_error("email", _("Indiquez une adresse électronique ou un numéro de "
                                      "téléphone pour que nous puissions vous répondre."))
        theme = data.get("theme")
        subtheme_id = data.get("subtheme")
        data["subtheme_obj"] = None
        if subtheme_id:
            subtheme = SubTheme.objects.filter(pk=subtheme_id, active=True).first()
            if subtheme is None or (theme is not None and subtheme.theme_id != theme.pk):
                self.add_error("subtheme", _("Cette précision ne correspond pas au sujet "
                                             "choisi : choisissez-en une autre ou aucune."))
            else:
                data["subtheme_obj"] = subtheme
        commune = data.get("commune")
        street_text = data.get("street", "")
        data["street_obj"] = territory.find_street(commune, street_text) \
            if commune and street_text else None
        return data

    def contact_channels(self) -> list[str]:
        data = self.cleaned_data
        return [channel for channel, value in (("email", data.get("email")),
                                               ("sms", data.get("phone"))) if value]


class TrackingMessageForm(AccessibleFormMixin, forms.Form):
    body = forms.CharField(label=_("Votre message"), max_length=MAX_DESCRIPTION, required=False,
                           widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("Une précision, une réponse à notre question…"))
    attachment = forms.FileField(
        label=_("Photo ou document (facultatif)"), required=False,
        help_text=_("Photo ou PDF, %(max)s Mo au plus.") % {
            "max": settings.MDS_MAX_ATTACHMENT_BYTES // (1024 * 1024)})

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        _check_file(upload)
        return upload

    def clean(self):
        data = super().clean()
        if not (data.get("body") or "").strip() and not data.get("attachment") \
                and not self.errors:
            self.add_error("body", _("Écrivez un message ou joignez une photo."))
        return data


HONEYPOT = antibot.HONEYPOT_FIELD
STAMP = antibot.STAMP_FIELD
