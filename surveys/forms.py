"""Forms of the answer page and of the supervisors' pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .messages import RATING_LABELS
from .models import Resolution, SurveyTemplate
from .services import MAX_COMMENT_CHARS


class AnswerForm(forms.Form):
    rating = forms.TypedChoiceField(
        coerce=int, widget=forms.RadioSelect,
        choices=[(score, f"{score} — {label}") for score, label in RATING_LABELS.items()],
        error_messages={"required": _("Choisissez une note de 1 à 5."),
                        "invalid_choice": _("Choisissez une note de 1 à 5.")})
    resolution = forms.ChoiceField(
        required=False, widget=forms.RadioSelect, choices=Resolution.choices,
        error_messages={"invalid_choice": _("Choisissez une des réponses proposées.")})
    comment = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 5}), max_length=MAX_COMMENT_CHARS,
        error_messages={"max_length": _("Le commentaire est trop long (%(limit_value)s "
                                        "caractères au plus).")})

    def __init__(self, *args, template: SurveyTemplate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rating"].label = template.rating_question
        self.fields["resolution"].label = template.resolution_question
        self.fields["comment"].label = template.comment_question
        if not template.ask_resolution:
            del self.fields["resolution"]
        if not template.ask_comment:
            del self.fields["comment"]


class TemplateForm(forms.ModelForm):
    class Meta:
        model = SurveyTemplate
        fields = ["enabled", "intro", "rating_question", "ask_resolution", "resolution_question",
                  "ask_comment", "comment_question", "reopen_on_unresolved"]
        widgets = {"intro": forms.Textarea(attrs={"rows": 3})}


class FollowUpCloseForm(forms.Form):
    outcome = forms.CharField(
        label=_("Suite donnée"), widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MAX_COMMENT_CHARS,
        help_text=_("Par exemple : usager rappelé, explication donnée, nouvelle intervention."),
        error_messages={"required": _("Indiquez la suite donnée avant de clore le suivi.")})


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("Du"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Au"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}))
    theme = forms.ModelChoiceField(label=_("Thème"), required=False, queryset=None,
                                   empty_label=_("Tous les thèmes"))
    commune = forms.ModelChoiceField(label=_("Commune"), required=False, queryset=None,
                                     empty_label=_("Toutes les communes"))

    def __init__(self, *args, **kwargs):
        from maison.models import Commune, Theme

        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = Theme.objects.all()
        self.fields["commune"].queryset = Commune.objects.all()

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("La date de fin précède la date de début."))
        return data
