"""Agents' edits of a usager's record and contact points, every change audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from crm.models import AccessLog, Category, ContactPoint, Usager
from maison.selectors import find_street

from .audit import log_access
from .identity import add_contact_point, normalize_email, parse_phone


def ensure_editable(usager: Usager) -> None:
    if usager.erased_at is not None:
        raise ValidationError(_("Cet usager a été anonymisé : sa fiche ne peut plus être "
                                "modifiée."), code="erased")
    if usager.merged_into_id is not None:
        raise ValidationError(_("Cet usager a été fusionné dans la fiche n° %(pk)s : modifiez "
                                "plutôt celle-ci."), code="merged",
                              params={"pk": usager.merged_into_id})


@transaction.atomic
def update_usager(
    *,
    usager: Usager,
    by,
    first_name: str,
    last_name: str,
    organisation: str,
    category: str,
    commune,
    address: str,
) -> dict[str, list[str]]:
    """Save what the agent typed; the street is matched on the commune's street list."""
    usager = Usager.objects.select_for_update().get(pk=usager.pk)
    ensure_editable(usager)
    if category not in Category.values:
        raise ValidationError(_("Catégorie d’usager inconnue."), code="invalid_category")
    street = find_street(commune, address) if commune and address else None
    new_values = {
        "first_name": first_name.strip()[:100], "last_name": last_name.strip()[:100],
        "organisation": organisation.strip()[:150], "category": category,
        "commune": commune, "address": address.strip()[:250], "street": street,
        "zone": street.zone if street else None,
    }
    changes: dict[str, list[str]] = {}
    for field, value in new_values.items():
        old = getattr(usager, field)
        if old != value:
            changes[field] = [_display(old), _display(value)]
            setattr(usager, field, value)
    if changes:
        usager.save()
        log_access(usager=usager, user=by, action=AccessLog.Action.EDIT,
                   detail={"changes": changes})
    return changes


def _display(value) -> str:
    return "" if value is None else str(value)


@transaction.atomic
def add_contact_point_by_agent(*, usager: Usager, by, kind: str, raw: str) -> ContactPoint:
    """Validate and attach an email or phone number typed by an agent."""
    ensure_editable(usager)
    is_mobile = False
    if kind == ContactPoint.Kind.EMAIL:
        value = normalize_email(raw)
    elif kind == ContactPoint.Kind.PHONE:
        parsed = parse_phone(raw)
        value, is_mobile = parsed.e164, parsed.is_mobile
    else:
        raise ValidationError(_("Type de coordonnée inconnu."), code="invalid_kind")
    owner = ContactPoint.objects.filter(kind=kind, value=value).values_list("usager_id",
                                                                             flat=True).first()
    if owner is not None and owner != usager.pk:
        raise ValidationError(
            _("Cette coordonnée est déjà celle de l’usager n° %(pk)s. S’il s’agit de la même "
              "personne, demandez une fusion à un superviseur."),
            code="contact_taken", params={"pk": owner})
    if owner == usager.pk:
        raise ValidationError(_("Cette coordonnée figure déjà sur la fiche."),
                              code="contact_known")
    point = add_contact_point(usager=usager, kind=kind, value=value, is_mobile=is_mobile)
    log_access(usager=usager, user=by, action=AccessLog.Action.EDIT,
               detail={"contact_point_added": {"id": point.pk, "kind": kind}})
    return point


@transaction.atomic
def remove_contact_point(*, usager: Usager, by, point_id: int) -> None:
    ensure_editable(usager)
    point = ContactPoint.objects.filter(pk=point_id, usager=usager).first()
    if point is None:
        raise ValidationError(_("Cette coordonnée n’existe plus sur la fiche."),
                              code="contact_missing")
    point.delete()
    if point.is_primary:
        successor = (ContactPoint.objects.filter(usager=usager, kind=point.kind, is_valid=True)
                     .order_by("-last_used_at", "id").first())
        if successor:
            ContactPoint.objects.filter(pk=successor.pk).update(is_primary=True)
    log_access(usager=usager, user=by, action=AccessLog.Action.EDIT,
               detail={"contact_point_removed": {"id": point_id, "kind": point.kind,
                                                 "value": point.value}})


@transaction.atomic
def set_contact_point_validity(*, usager: Usager, by, point_id: int, valid: bool,
                               reason: str = "") -> None:
    ensure_editable(usager)
    updated = ContactPoint.objects.filter(pk=point_id, usager=usager).update(
        is_valid=valid, invalid_reason="" if valid else (reason or _("Signalé par un agent"))[:200])
    if not updated:
        raise ValidationError(_("Cette coordonnée n’existe plus sur la fiche."),
                              code="contact_missing")
    log_access(usager=usager, user=by, action=AccessLog.Action.EDIT,
               detail={"contact_point_validity": {"id": point_id, "valid": valid}})
