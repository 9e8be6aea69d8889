"""Forms of the CRM pages: parsing only; rules live in crm.services."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maison.models import CollectionZone, Commune

from . import registry
from .models import (
    CAMPAIGN_PURPOSES,
    Category,
    ConsentChannel,
    ConsentText,
    ContactPoint,
    Purpose,
    TimelineEntry,
)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Nom, courriel ou téléphone"), required=False, max_length=200)
    commune = forms.ModelChoiceField(label=_("Commune"), queryset=Commune.objects.all(),
                                     required=False, empty_label=_("Toutes"))
    category = forms.ChoiceField(label=_("Catégorie"), required=False,
                                 choices=[("", _("Toutes"))] + list(Category.choices))


class TimelineFilterForm(forms.Form):
    kind = forms.MultipleChoiceField(label=_("Type de contact"), required=False,
                                     choices=TimelineEntry.Kind.choices,
                                     widget=forms.CheckboxSelectMultiple)
    channel = forms.MultipleChoiceField(label=_("Canal"), required=False, choices=[],
                                        widget=forms.CheckboxSelectMultiple)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, channels: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = channels


class UsagerForm(forms.Form):
    first_name = forms.CharField(label=_("Prénom"), required=False, max_length=100)
    last_name = forms.CharField(label=_("Nom"), required=False, max_length=100)
    organisation = forms.CharField(label=_("Raison sociale"), required=False, max_length=150,
                                   help_text=_("Pour un professionnel."))
    category = forms.ChoiceField(label=_("Catégorie"), choices=Category.choices)
    commune = forms.ModelChoiceField(label=_("Commune"), queryset=Commune.objects.all(),
                                     required=False, empty_label=_("Non renseignée"))
    address = forms.CharField(label=_("Adresse"), required=False, max_length=250,
                              help_text=_("Numéro et voie, par exemple « 12 rue des Lilas » : "
                                          "la voie est reconnue pour trouver le secteur de "
                                          "collecte."))

    def clean(self):
        data = super().clean()
        if not (data.get("last_name") or data.get("organisation") or data.get("first_name")):
            raise forms.ValidationError(_("Indiquez au moins un nom ou une raison sociale."))
        if data.get("address") and not data.get("commune"):
            self.add_error("commune", _("Indiquez la commune de cette adresse."))
        return data


class ContactPointForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=ContactPoint.Kind.choices)
    value = forms.CharField(label=_("Courriel ou numéro"), max_length=254)


class ContactValidityForm(forms.Form):
    valid = forms.BooleanField(required=False)
    reason = forms.CharField(required=False, max_length=200)


CONSENT_SOURCES = [
    ("accueil", _("À l’accueil")),
    ("telephone", _("Au téléphone")),
    ("courrier", _("Par courrier signé")),
]


class ConsentRecordForm(forms.Form):
    """Consent collected by an agent: which text was read, on which channel, yes or no."""

    purpose = forms.ChoiceField(label=_("Finalité"), choices=Purpose.choices)
    channel = forms.ChoiceField(label=_("Canal de contact"), choices=ConsentChannel.choices)
    given = forms.TypedChoiceField(
        label=_("Réponse de l’usager"), coerce=lambda value: value == "1",
        choices=[("1", _("Accepte")), ("0", _("Refuse ou retire son accord"))],
        widget=forms.RadioSelect)
    source = forms.ChoiceField(label=_("Recueilli"), choices=CONSENT_SOURCES)
    text = forms.ModelChoiceField(label=_("Texte lu à l’usager"),
                                  queryset=ConsentText.objects.order_by("purpose", "-created_at"))
    text_read = forms.BooleanField(
        label=_("J’ai lu ce texte à l’usager (ou il l’a lu) avant qu’il réponde"), required=True)

    def clean(self):
        data = super().clean()
        text, purpose = data.get("text"), data.get("purpose")
        if text and purpose and text.purpose != purpose:
            self.add_error("text", _("Ce texte ne correspond pas à la finalité choisie."))
        return data


class MergeStartForm(forms.Form):
    other = forms.IntegerField(label=_("Numéro de l’autre fiche"), min_value=1,
                               help_text=_("Le numéro figure en haut de chaque fiche usager."))


class MergeForm(forms.Form):
    keep = forms.IntegerField(widget=forms.HiddenInput)
    proposal = forms.IntegerField(required=False, widget=forms.HiddenInput)


def _category_choices():
    return list(Category.choices)


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=150,
                            help_text=_("Pour vous retrouver dans la liste : « Collecte décalée "
                                        "lundi de Pâques »."))
    purpose = forms.ChoiceField(label=_("Finalité"), choices=CAMPAIGN_PURPOSES,
                                help_text=_("Seuls les usagers qui ont accepté cette finalité "
                                            "recevront le message."))
    send_email = forms.BooleanField(label=_("Envoyer par courriel"), required=False,
                                    initial=True)
    email_subject = forms.CharField(label=_("Objet du courriel"), required=False, max_length=150)
    email_body = forms.CharField(label=_("Texte du courriel"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 8}),
                                 help_text=_("Le lien de désinscription est ajouté à la fin."))
    send_sms = forms.BooleanField(label=_("Envoyer par SMS"), required=False)
    sms_body = forms.CharField(label=_("Texte du SMS"), required=False, max_length=160,
                               widget=forms.Textarea(attrs={"rows": 3}))
    communes = forms.ModelMultipleChoiceField(label=_("Communes"), required=False,
                                              queryset=Commune.objects.all(),
                                              widget=forms.CheckboxSelectMultiple,
                                              help_text=_("Aucune : toutes les communes."))
    zones = forms.ModelMultipleChoiceField(
        label=_("Secteurs de collecte"), required=False,
        queryset=CollectionZone.objects.select_related("commune"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Aucun : tous les secteurs."))
    categories = forms.MultipleChoiceField(label=_("Catégories d’usagers"), required=False,
                                           choices=_category_choices,
                                           widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, sms_room: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sms_body"].help_text = _(
            "%(room)s caractères au plus : le lien de désinscription est ajouté à la fin.") % {
            "room": sms_room}
        self.fields["sms_body"].widget.attrs["maxlength"] = sms_room
        # Criteria registered by other rooms (e.g. "thème d’une demande").
        for audience_filter in registry.audience_filters():
            self.fields[f"filter_{audience_filter.key}"] = forms.MultipleChoiceField(
                label=audience_filter.label, required=False, choices=audience_filter.choices,
                widget=forms.SelectMultiple(attrs={"size": 6}),
                help_text=_("Aucun : pas de restriction."))

    def audience_filters(self) -> dict[str, list[str]]:
        return {name.removeprefix("filter_"): values for name, values in self.cleaned_data.items()
                if name.startswith("filter_") and values}


class ScheduleForm(forms.Form):
    when = forms.ChoiceField(label=_("Envoi"), widget=forms.RadioSelect,
                             choices=[("now", _("Maintenant")), ("later", _("Programmer"))],
                             initial="now")
    at = forms.DateTimeField(label=_("Date et heure d’envoi"), required=False,
                             widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                        format="%Y-%m-%dT%H:%M"),
                             input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"])

    def clean(self):
        data = super().clean()
        if data.get("when") == "later":
            at = data.get("at")
            if at is None:
                self.add_error("at", _("Indiquez la date et l’heure d’envoi."))
            elif at <= timezone.now():
                self.add_error("at", _("Choisissez une date à venir."))
        return data


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Je confirme l’anonymisation définitive de cet usager"), required=True)
