"""Merging two records of one person, and undoing it: nothing is lost either way.

A merge is always a supervisor's decision (the detector only proposes). The duplicate
(`source`) is kept as a row pointing at the usager kept (`target`, via `merged_into`), so that
identification by an old contact point and old preference links still find the person.
Every moved record is listed in the `Merge` row, so that undo moves exactly those back.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from crm import registry
from crm.models import (
    AccessLog,
    CampaignDelivery,
    Category,
    Consent,
    ContactPoint,
    Merge,
    MergeProposal,
    TimelineEntry,
    Usager,
)

from .audit import log_access
from .duplicates import retire_proposals_of

# Fields of the kept record filled in from the duplicate when they were empty.
FILLABLE_FIELDS = ("first_name", "last_name", "organisation", "address")
FILLABLE_RELATIONS = ("commune", "street", "zone")


def check_mergeable(source: Usager, target: Usager) -> None:
    """Refuse, with a message a supervisor understands, what would corrupt the records."""
    if source.pk == target.pk:
        raise ValidationError(_("Impossible de fusionner un usager avec lui-même."),
                              code="merge_self")
    if target.erased_at is not None or source.erased_at is not None:
        raise ValidationError(_("Impossible de fusionner avec un usager anonymisé : ses données "
                                "personnelles ont été effacées."), code="merge_erased")
    if target.merged_into_id is not None:
        raise ValidationError(
            _("La fiche n° %(pk)s a déjà été fusionnée dans la fiche n° %(into)s : fusionnez "
              "plutôt dans celle-ci."), code="merge_target_merged",
            params={"pk": target.pk, "into": target.merged_into_id})
    if source.merged_into_id is not None:
        raise ValidationError(
            _("La fiche n° %(pk)s a déjà été fusionnée dans la fiche n° %(into)s."),
            code="merge_source_merged", params={"pk": source.pk, "into": source.merged_into_id})


def _lock(*usagers: Usager) -> dict[int, Usager]:
    pks = sorted({usager.pk for usager in usagers})
    return {usager.pk: usager
            for usager in Usager.objects.select_for_update().filter(pk__in=pks).order_by("pk")}


@transaction.atomic
def merge_usagers(*, source: Usager, target: Usager, by,
                  proposal: MergeProposal | None = None) -> Merge:
    """Move every history item of `source` onto `target`; `source` then points at `target`."""
    locked = _lock(source, target)
    source, target = locked[source.pk], locked[target.pk]
    check_mergeable(source, target)
    now = timezone.now()
    undo: dict = {
        "timeline": _move(TimelineEntry.objects.filter(usager=source), target),
        "consents": _move(Consent.objects.filter(usager=source), target),
        "contact_points": _move_contact_points(source, target),
        "campaign_deliveries": _move_deliveries(source, target),
        "filled": _fill_missing(source, target),
        "handlers": {},
    }
    for handler in registry.merge_handlers():
        undo["handlers"][handler.name] = handler.merge(source=source, target=target)
    source.merged_into = target
    source.save(update_fields=["merged_into", "updated_at"])
    retire_proposals_of([source.pk])
    if proposal is not None:
        MergeProposal.objects.filter(pk=proposal.pk).update(
            status=MergeProposal.Status.MERGED, decided_by=by, decided_at=now)
    merge = Merge.objects.create(source=source, target=target, proposal=proposal,
                                 performed_at=now, performed_by=by, undo_data=undo)
    for usager in (target, source):
        log_access(usager=usager, user=by, action=AccessLog.Action.MERGE,
                   detail={"merge": merge.pk, "source": source.pk, "target": target.pk})
    return merge


def _move(queryset, target: Usager) -> list[int]:
    ids = list(queryset.values_list("pk", flat=True))
    if ids:
        queryset.model.objects.filter(pk__in=ids).update(usager=target)
    return ids


def _move_contact_points(source: Usager, target: Usager) -> list[list]:
    """Moved points keep being valid; the target keeps its own primary address and number."""
    primary_kinds = set(ContactPoint.objects.filter(usager=target, is_primary=True)
                        .values_list("kind", flat=True))
    moved = []
    for pk, kind, is_primary in ContactPoint.objects.filter(usager=source).values_list(
            "pk", "kind", "is_primary"):
        keep_primary = is_primary and kind not in primary_kinds
        if keep_primary:
            primary_kinds.add(kind)
        ContactPoint.objects.filter(pk=pk).update(usager=target, is_primary=keep_primary)
        moved.append([pk, is_primary])
    return moved


def _move_deliveries(source: Usager, target: Usager) -> list[int]:
    # A campaign both records received stays on the duplicate (one row per person and campaign).
    taken = CampaignDelivery.objects.filter(usager=target).values_list("campaign_id", "channel")
    taken = set(taken)
    ids = [pk for pk, campaign_id, channel in CampaignDelivery.objects.filter(usager=source)
           .values_list("pk", "campaign_id", "channel") if (campaign_id, channel) not in taken]
    CampaignDelivery.objects.filter(pk__in=ids).update(usager=target)
    return ids


def _fill_missing(source: Usager, target: Usager) -> dict:
    filled: dict = {}
    for field in FILLABLE_FIELDS:
        if not getattr(target, field) and getattr(source, field):
            setattr(target, field, getattr(source, field))
            filled[field] = ""
    for relation in FILLABLE_RELATIONS:
        attname = f"{relation}_id"
        if getattr(target, attname) is None and getattr(source, attname) is not None:
            setattr(target, attname, getattr(source, attname))
            filled[attname] = None
    if target.category == Category.INCONNUE and source.category != Category.INCONNUE:
        filled["category"] = target.category
        target.category = source.category
    if source.last_contact_at and (target.last_contact_at is None
                                   or source.last_contact_at > target.last_contact_at):
        filled["last_contact_at"] = (target.last_contact_at.isoformat()
                                     if target.last_contact_at else None)
        target.last_contact_at = source.last_contact_at
    if filled:
        target.save()
    return filled


@transaction.atomic
def undo_merge(*, merge: Merge, by) -> Merge:
    """Give the duplicate back exactly what it brought; what happened since stays put."""
    merge = Merge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at is not None:
        raise ValidationError(_("Cette fusion a déjà été annulée."), code="unmerge_done")
    locked = _lock(merge.source, merge.target)
    source, target = locked[merge.source_id], locked[merge.target_id]
    if source.erased_at is not None or target.erased_at is not None:
        raise ValidationError(_("Impossible d’annuler cette fusion : l’usager a été anonymisé "
                                "depuis."), code="unmerge_erased")
    if target.merged_into_id is not None:
        raise ValidationError(
            _("Annulez d’abord la fusion de la fiche n° %(pk)s dans la fiche n° %(into)s."),
            code="unmerge_chain", params={"pk": target.pk, "into": target.merged_into_id})
    data = merge.undo_data
    for handler in reversed(registry.merge_handlers()):
        if handler.name in data.get("handlers", {}):
            handler.undo(source=source, target=target, data=data["handlers"][handler.name])
    TimelineEntry.objects.filter(pk__in=data.get("timeline", []), usager=target).update(
        usager=source)
    Consent.objects.filter(pk__in=data.get("consents", []), usager=target).update(usager=source)
    CampaignDelivery.objects.filter(pk__in=data.get("campaign_deliveries", []),
                                    usager=target).update(usager=source)
    for pk, was_primary in data.get("contact_points", []):
        ContactPoint.objects.filter(pk=pk, usager=target).update(usager=source,
                                                                   is_primary=was_primary)
    _restore_filled(target, source, data.get("filled", {}))
    source.merged_into = None
    source.save(update_fields=["merged_into", "updated_at"])
    now = timezone.now()
    if merge.proposal_id:
        MergeProposal.objects.filter(pk=merge.proposal_id).update(
            status=MergeProposal.Status.REJECTED, decided_by=by, decided_at=now)
    merge.undone_at, merge.undone_by = now, by
    merge.save(update_fields=["undone_at", "undone_by"])
    for usager in (target, source):
        log_access(usager=usager, user=by, action=AccessLog.Action.UNMERGE,
                   detail={"merge": merge.pk, "source": source.pk, "target": target.pk})
    return merge


def _restore_filled(target: Usager, source: Usager, filled: dict) -> None:
    """Empty again what the merge filled in, unless an agent has changed it since."""
    changed = False
    for field, previous in filled.items():
        if getattr(target, field) != getattr(source, field):
            continue
        if field == "last_contact_at":
            previous = parse_datetime(previous) if previous else None
        setattr(target, field, previous)
        changed = True
    if changed:
        target.save()


def merges_of(usager: Usager):
    return (Merge.objects.filter(Q(source=usager) | Q(target=usager))
            .select_related("source", "target", "performed_by", "undone_by")
            .order_by("-performed_at"))
