"""The usager's rights under the RGPD: access/portability (export) and erasure; retention.

Erasure is an anonymisation: the usager row and the tickets stay, so that statistics (volumes
by theme, commune, category, channel) keep counting, but everything that identifies the person
is gone everywhere — crm's own data here, the other rooms' data through their handlers
registered in crm.registry (message bodies and attachments, chatbot transcripts, survey
verbatims).
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from crm import registry
from crm.models import (
    AccessLog,
    CampaignDelivery,
    Consent,
    ContactPoint,
    MergeProposal,
    PreferenceShortLink,
    TimelineEntry,
    Usager,
)

from .audit import log_access

logger = logging.getLogger(__name__)

EXPORT_FORMAT = "maison-des-services/usager"
EXPORT_VERSION = 1


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def export_usager(*, usager: Usager, by, fmt: str = "json") -> dict:
    """Everything we hold about the usager (and the records merged into it), JSON-ready."""
    members = merge_cluster(usager)
    data = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "generated_at": timezone.now().isoformat(),
        "controller": _("Communauté de communes Cœur Côte Fleurie — Maison des Services"),
        "usager": _identity(usager),
        "merged_records": [_identity(member) for member in members if member.pk != usager.pk],
        "contact_points": [
            {"type": point.get_kind_display(), "value": point.value, "mobile": point.is_mobile,
             "valid": point.is_valid, "invalid_reason": point.invalid_reason,
             "primary": point.is_primary, "created_at": _iso(point.created_at),
             "last_used_at": _iso(point.last_used_at)}
            for point in ContactPoint.objects.filter(usager__in=members).order_by("kind", "id")],
        "consents": [
            {"purpose": consent.get_purpose_display(), "channel": consent.get_channel_display(),
             "given": consent.given, "recorded_at": _iso(consent.recorded_at),
             "source": consent.source,
             "text_version": consent.text.version if consent.text_id else None,
             "text": consent.text.text if consent.text_id else None,
             "recorded_by_agent": consent.recorded_by_id is not None}
            for consent in Consent.objects.filter(usager__in=members).select_related("text")
            .order_by("recorded_at", "id")],
        "timeline": [
            {"date": _iso(entry.occurred_at), "type": entry.get_kind_display(),
             "channel": entry.channel, "summary": entry.summary,
             "reference": entry.ticket_reference}
            for entry in TimelineEntry.objects.filter(usager__in=members)
            .order_by("occurred_at", "id")],
        "campaigns_received": [
            {"campaign": delivery.campaign.title, "channel": delivery.get_channel_display(),
             "status": delivery.get_status_display(), "sent_at": _iso(delivery.sent_at)}
            for delivery in CampaignDelivery.objects.filter(usager__in=members)
            .select_related("campaign").order_by("created_at", "id")],
        "sections": {},
    }
    for handler in registry.personal_data_handlers():
        section: dict = {}
        for member in members:
            for title, rows in (handler.export(member) or {}).items():
                section.setdefault(title, []).extend(rows)
        data["sections"][handler.label] = section
    log_access(usager=usager, user=by, action=AccessLog.Action.EXPORT, detail={"format": fmt})
    return data


def _identity(usager: Usager) -> dict:
    return {
        "id": usager.pk, "public_id": str(usager.public_id), "first_name": usager.first_name,
        "last_name": usager.last_name, "organisation": usager.organisation,
        "category": usager.get_category_display(),
        "commune": usager.commune.name if usager.commune_id else None,
        "address": usager.address, "street": usager.street.name if usager.street_id else None,
        "collection_zone": usager.zone.name if usager.zone_id else None,
        "created_at": _iso(usager.created_at), "last_contact_at": _iso(usager.last_contact_at),
        "erased_at": _iso(usager.erased_at),
    }


def merge_cluster(usager: Usager) -> list[Usager]:
    """The usager and every record merged into it, directly or through a chain."""
    members = [usager]
    frontier = [usager.pk]
    while frontier:
        found = list(Usager.objects.filter(merged_into_id__in=frontier)
                     .select_related("commune", "street", "zone"))
        members.extend(found)
        frontier = [member.pk for member in found]
    return members


@transaction.atomic
def erase_usager(*, usager: Usager, by, reason: str = "request") -> dict:
    """Anonymise the person everywhere; statistics keep counting. Irreversible."""
    usager = Usager.objects.select_for_update().get(pk=usager.pk)
    if usager.erased_at is not None:
        raise ValidationError(_("Cet usager est déjà anonymisé."), code="already_erased")
    if usager.merged_into_id is not None:
        raise ValidationError(
            _("Cette fiche a été fusionnée dans la fiche n° %(into)s : anonymisez celle-ci, "
              "elle comprend cette fiche."), code="erase_merged",
            params={"into": usager.merged_into_id})
    members = merge_cluster(usager)
    counts: dict[str, int] = {}
    for member in members:
        for handler in registry.personal_data_handlers():
            for key, value in (handler.erase(member) or {}).items():
                counts[f"{handler.name}.{key}"] = counts.get(f"{handler.name}.{key}", 0) + value
        for key, value in _erase_own_data(member).items():
            counts[key] = counts.get(key, 0) + value
    log_access(usager=usager, user=by, action=AccessLog.Action.ERASE,
               detail={"reason": reason, "records": len(members), "counts": counts})
    logger.info("usager %s anonymised (%s)", usager.pk, reason)
    return counts


def _erase_own_data(usager: Usager) -> dict[str, int]:
    now = timezone.now()
    pks = [usager.pk]
    counts = {
        "contact_points": ContactPoint.objects.filter(usager=usager).delete()[0],
        "consents": Consent.objects.filter(usager=usager).delete()[0],
        "timeline": TimelineEntry.objects.filter(usager=usager).update(
            summary=_("Contenu anonymisé")),
        "short_links": PreferenceShortLink.objects.filter(usager=usager).delete()[0],
        "proposals": MergeProposal.objects.filter(
            Q(usager_a_id__in=pks) | Q(usager_b_id__in=pks)).delete()[0],
    }
    CampaignDelivery.objects.filter(usager=usager).update(address="", error="")
    # Edits kept old values (names, addresses): the trace of who did what stays, not the data.
    AccessLog.objects.filter(usager=usager).exclude(action=AccessLog.Action.ERASE).update(
        detail={})
    Usager.objects.filter(pk=usager.pk).update(
        first_name="", last_name="", organisation="", address="", street=None,
        public_id=uuid.uuid4(), erased_at=now, updated_at=now)
    return counts


def retention_cutoff(now: datetime | None = None) -> datetime:
    now = now or timezone.now()
    years = settings.MDS_RETENTION_INACTIVE_YEARS
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February
        return now.replace(year=now.year - years, day=28)


def inactive_usagers(now: datetime | None = None):
    """Active records without any contact since the retention cutoff."""
    return (Usager.objects.filter(erased_at__isnull=True, merged_into__isnull=True)
            .annotate(last_seen=Coalesce("last_contact_at", "created_at"))
            .filter(last_seen__lt=retention_cutoff(now)).order_by("last_seen", "pk"))


def apply_retention(*, now: datetime | None = None, limit: int | None = None) -> int:
    """Anonymise inactive usagers, except those a room holds (e.g. an open request)."""
    limit = limit or settings.MDS_RETENTION_BATCH
    ids = list(inactive_usagers(now).values_list("pk", flat=True)[:limit])
    held: set[int] = set()
    for handler in registry.personal_data_handlers():
        if handler.retention_hold and ids:
            held |= set(handler.retention_hold(ids))
    erased = 0
    for usager in Usager.objects.filter(pk__in=[pk for pk in ids if pk not in held]):
        try:
            erase_usager(usager=usager, by=None, reason="retention")
        except ValidationError:
            continue  # erased or merged meanwhile
        erased += 1
    return erased


def retention_due_count(now: datetime | None = None) -> int:
    return inactive_usagers(now).count()


def prune_access_log(now: datetime | None = None) -> int:
    """Forget old traces of access; records of erasures stay as proof of the erasure."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.MDS_ACCESS_LOG_RETENTION_DAYS)
    return (AccessLog.objects.filter(at__lt=cutoff).exclude(action=AccessLog.Action.ERASE)
            .delete()[0])
