"""Supervisors' campaigns: write, target, preview the audience, schedule or send, follow."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import registry, selectors
from ..forms import CampaignForm, ScheduleForm
from ..models import Campaign, Category, ConsentChannel
from ..services import campaigns as campaign_services
from .access import supervisor_required


@supervisor_required
@require_GET
def campaign_list(request):
    page = Paginator(Campaign.objects.select_related("created_by"), 20).get_page(
        request.GET.get("page"))
    for campaign in page:
        campaign.figures = selectors.campaign_figures(campaign)
    return render(request, "crm/campaign_list.html", {"page": page})


@supervisor_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request, pk: int | None = None):
    campaign = get_object_or_404(Campaign, pk=pk) if pk else None
    if campaign and campaign.status not in (Campaign.Status.DRAFT, Campaign.Status.SCHEDULED):
        messages.error(request, _("Une campagne envoyée ou en cours d’envoi ne peut plus être "
                                  "modifiée."))
        return redirect("crm:campaign", pk=campaign.pk)
    initial = _initial(campaign) if campaign else {"send_email": True}
    form = CampaignForm(request.POST or None, initial=initial,
                        sms_room=campaign_services.sms_room())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = campaign_services.save_campaign(
                campaign=campaign, by=request.user, title=data["title"], purpose=data["purpose"],
                send_email=data["send_email"], send_sms=data["send_sms"],
                email_subject=data["email_subject"], email_body=data["email_body"],
                sms_body=data["sms_body"], communes=data["communes"], zones=data["zones"],
                categories=data["categories"], audience_filters=form.audience_filters())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Campagne enregistrée. Vérifiez l’audience avant "
                                        "l’envoi."))
            return redirect("crm:campaign", pk=campaign.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "crm/campaign_edit.html", {"campaign": campaign, "form": form},
                  status=status)


def _initial(campaign: Campaign) -> dict:
    initial = {field: getattr(campaign, field) for field in (
        "title", "purpose", "send_email", "send_sms", "email_subject", "email_body", "sms_body",
        "categories")}
    initial["communes"] = list(campaign.communes.all())
    initial["zones"] = list(campaign.zones.all())
    for key, values in (campaign.audience_filters or {}).items():
        initial[f"filter_{key}"] = values
    return initial


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@supervisor_required
@require_GET
def campaign_detail(request, pk: int):
    campaign = get_object_or_404(Campaign.objects.select_related("created_by"), pk=pk)
    return _render_detail(request, campaign, ScheduleForm())


def _render_detail(request, campaign: Campaign, schedule_form, *, status=200):
    editable = campaign.status in (Campaign.Status.DRAFT, Campaign.Status.SCHEDULED)
    counts = campaign_services.audience_counts(campaign) if editable else {}
    return render(request, "crm/campaign_detail.html", {
        "campaign": campaign,
        "editable": editable,
        "targeted": campaign_services.target_usagers(campaign).count() if editable else None,
        "audience": [(dict(ConsentChannel.choices)[channel], count)
                     for channel, count in counts.items()],
        "figures": selectors.campaign_figures(campaign),
        "targeting": _targeting_labels(campaign),
        "schedule_form": schedule_form,
        "sms_preview": campaign_services.sms_text(campaign.sms_body, _sample_short_link())
        if campaign.send_sms else "",
    }, status=status)


def _sample_short_link() -> str:
    code = "x" * campaign_services.SHORT_CODE_CHARS
    return settings.PUBLIC_BASE_URL + reverse("crm:short_preferences", args=[code])


def _targeting_labels(campaign: Campaign) -> list[tuple[str, str]]:
    labels = []
    communes = [commune.name for commune in campaign.communes.all()]
    zones = [str(zone) for zone in campaign.zones.select_related("commune")]
    categories = [dict(Category.choices).get(value, value) for value in campaign.categories]
    labels.append((_("Communes"), ", ".join(communes) or _("toutes")))
    labels.append((_("Secteurs de collecte"), ", ".join(zones) or _("tous")))
    labels.append((_("Catégories"), ", ".join(str(c) for c in categories) or _("toutes")))
    for key, values in (campaign.audience_filters or {}).items():
        audience_filter = registry.audience_filter(key)
        if audience_filter:
            names = dict(audience_filter.choices())
            labels.append((audience_filter.label,
                           ", ".join(str(names.get(value, value)) for value in values)))
    return labels


@supervisor_required
@require_POST
def campaign_schedule(request, pk: int):
    campaign = get_object_or_404(Campaign, pk=pk)
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, campaign, form, status=400)
    at = form.cleaned_data["at"] if form.cleaned_data["when"] == "later" else None
    try:
        campaign_services.schedule_campaign(campaign=campaign, by=request.user, at=at)
    except ValidationError as error:
        form.add_error(None, error.messages)
        return _render_detail(request, campaign, form, status=400)
    if at:
        messages.success(request, _("Campagne programmée."))
    else:
        messages.success(request, _("Envoi lancé : les messages partent au rythme autorisé. "
                                    "Rechargez la page pour suivre les chiffres."))
    return redirect("crm:campaign", pk=campaign.pk)


@supervisor_required
@require_POST
def campaign_cancel(request, pk: int):
    campaign = get_object_or_404(Campaign, pk=pk)
    try:
        campaign_services.cancel_campaign(campaign=campaign, by=request.user)
    except ValidationError as error:
        form = ScheduleForm()
        form.add_error(None, error.messages)
        return _render_detail(request, campaign, form, status=400)
    messages.success(request, _("Campagne annulée : les messages pas encore partis ne le seront "
                                "pas."))
    return redirect("crm:campaign", pk=campaign.pk)
