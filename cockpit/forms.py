"""The cockpit's filters (a GET form): period preset or custom range, commune, theme, channel."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from guichet.indicators import Scope
from guichet.models import Channel
from maison.models import Commune, Theme

from .periods import DEFAULT_PRESET, PRESETS, Choice, choose, today

MAX_CUSTOM_DAYS = 366 * 5
EARLIEST = date(2000, 1, 1)


class FiltersForm(forms.Form):
    periode = forms.ChoiceField(label=_("Période"), choices=list(PRESETS.items()),
                                required=False, initial=DEFAULT_PRESET)
    du = forms.DateField(label=_("Du"), required=False,
                         widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                         help_text=_("Pour une période personnalisée"))
    au = forms.DateField(label=_("Au"), required=False,
                         widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    commune = forms.ModelChoiceField(label=_("Commune"), queryset=Commune.objects.all(),
                                     to_field_name="slug", required=False,
                                     empty_label=_("Toutes les communes"))
    theme = forms.ModelChoiceField(label=_("Thème"), queryset=Theme.objects.all(),
                                   to_field_name="code", required=False,
                                   empty_label=_("Tous les thèmes"))
    canal = forms.ChoiceField(label=_("Canal"), required=False,
                              choices=[("", _("Tous les canaux")), *Channel.choices])

    def __init__(self, *args, fixed_commune: Commune | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fixed_commune = fixed_commune
        if fixed_commune is not None:
            del self.fields["commune"]

    def clean(self):
        data = super().clean()
        preset = data.get("periode") or DEFAULT_PRESET
        start, end = data.get("du"), data.get("au")
        if (start or end) and preset != "perso" and not self.data.get("periode"):
            preset = "perso"
        if preset == "perso":
            if not start or not end:
                raise forms.ValidationError(
                    _("Pour une période personnalisée, indiquez la date de début et la date "
                      "de fin."), code="custom_needs_dates")
            if end < start:
                raise forms.ValidationError(
                    _("La date de fin doit être après la date de début."), code="dates_order")
            if start < EARLIEST or end > today() + timedelta(days=366):
                raise forms.ValidationError(_("Ces dates sont hors de la période couverte."),
                                            code="dates_out_of_range")
            if (end - start).days > MAX_CUSTOM_DAYS:
                raise forms.ValidationError(
                    _("Choisissez une période de cinq ans au plus."), code="period_too_long")
        data["periode"] = preset
        return data

    def choice(self) -> Choice:
        data = self.cleaned_data if self.is_valid() else {}
        preset = data.get("periode") or DEFAULT_PRESET
        return choose(preset, start=data.get("du"), end=data.get("au"))

    def scope(self) -> Scope:
        data = self.cleaned_data if self.is_valid() else {}
        commune = self.fixed_commune or data.get("commune")
        theme = data.get("theme")
        return Scope(commune_id=commune.pk if commune else None,
                     theme_id=theme.pk if theme else None,
                     channel=data.get("canal") or None)

    def query_string(self) -> str:
        """The filters as a query string, for the exports and the live refresh."""
        from django.http import QueryDict

        query = QueryDict(mutable=True)
        if self.is_valid():
            data = self.cleaned_data
            query["periode"] = data["periode"]
            if data["periode"] == "perso":
                query["du"], query["au"] = data["du"].isoformat(), data["au"].isoformat()
            if data.get("commune"):
                query["commune"] = data["commune"].slug
            if data.get("theme"):
                query["theme"] = data["theme"].code
            if data.get("canal"):
                query["canal"] = data["canal"]
        return query.urlencode()
