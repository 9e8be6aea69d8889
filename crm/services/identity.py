"""Writes on usagers: identification, contact points, consents, the 360° timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import (
    Category,
    Consent,
    ConsentChannel,
    ConsentText,
    ContactPoint,
    Purpose,
    TimelineEntry,
    Usager,
)

PHONE_REGION = "FR"
MOBILE_TYPES = {phonenumbers.PhoneNumberType.MOBILE,
                phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


def normalize_email(raw: str) -> str:
    """Lower-cased, trimmed email; raises ValidationError with a French message."""
    value = (raw or "").strip().strip("<>").strip().lower()
    try:
        validate_email(value)
    except ValidationError:
        raise ValidationError(_("L’adresse électronique « %(value)s » n’est pas valide."),
                              code="invalid_email", params={"value": raw}) from None
    return value


@dataclass(frozen=True)
class ParsedPhone:
    e164: str
    is_mobile: bool


def parse_phone(raw: str) -> ParsedPhone:
    """Parse any French way of writing a number ("06 12 34 56 78", "0033 6…") to E.164."""
    text = (raw or "").strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, PHONE_REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(_("Le numéro de téléphone « %(value)s » n’est pas valide."),
                              code="invalid_phone", params={"value": raw})
    return ParsedPhone(
        e164=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        is_mobile=phonenumbers.number_type(number) in MOBILE_TYPES,
    )


def normalize_phone(raw: str) -> str:
    return parse_phone(raw).e164


@dataclass(frozen=True)
class Identification:
    usager: Usager | None
    created: bool


def identify_usager(
    *,
    email: str | None = None,
    phone: str | None = None,
    first_name: str = "",
    last_name: str = "",
    organisation: str = "",
    category: str = "",
    commune=None,
    address: str = "",
    street=None,
    create: bool = True,
    now: datetime | None = None,
) -> Identification:
    """Find the usager behind a contact point, or create one. Every channel calls this.

    Identification is by exact (normalised) contact point only: fuzzy guesses become merge
    proposals for a supervisor, never an automatic match. Details we did not know are filled
    in; details we knew are never overwritten by an inbound message.
    """
    email = normalize_email(email) if email else None
    parsed_phone = parse_phone(phone) if phone else None
    now = now or timezone.now()

    usager = _find_by_contact(email, parsed_phone.e164 if parsed_phone else None)
    created = False
    if usager is None:
        if not create or not (email or parsed_phone or first_name or last_name or organisation):
            return Identification(usager=None, created=False)
        usager = Usager.objects.create(
            first_name=first_name[:100], last_name=last_name[:100], organisation=organisation[:150],
            category=category or Category.INCONNUE, commune=commune, address=address[:250],
            street=street, zone=street.zone if street else None, last_contact_at=now,
        )
        created = True
    else:
        _complete_missing_details(usager, first_name=first_name, last_name=last_name,
                                  organisation=organisation, category=category, commune=commune,
                                  address=address, street=street, now=now)
    attach = _attach_first_contact_point if created else add_contact_point
    if email:
        attach(usager=usager, kind=ContactPoint.Kind.EMAIL, value=email, now=now)
    if parsed_phone:
        attach(usager=usager, kind=ContactPoint.Kind.PHONE, value=parsed_phone.e164,
               is_mobile=parsed_phone.is_mobile, now=now)
    return Identification(usager=usager, created=created)


def _attach_first_contact_point(*, usager: Usager, kind: str, value: str,
                                is_mobile: bool = False, now: datetime) -> ContactPoint:
    """A brand-new usager's contact point: nobody held it a moment ago and it is their first
    of its kind, so insert straight away; a concurrent delivery falls back to the slow path."""
    try:
        with transaction.atomic():
            return ContactPoint.objects.create(usager=usager, kind=kind, value=value,
                                               is_mobile=is_mobile, is_primary=True,
                                               last_used_at=now)
    except IntegrityError:
        return add_contact_point(usager=usager, kind=kind, value=value, is_mobile=is_mobile,
                                 now=now)


def _find_by_contact(email: str | None, phone: str | None) -> Usager | None:
    for kind, value in ((ContactPoint.Kind.EMAIL, email), (ContactPoint.Kind.PHONE, phone)):
        if not value:
            continue
        point = (ContactPoint.objects.select_related("usager")
                 .filter(kind=kind, value=value).first())
        if point:
            return _follow_merges(point.usager)
    return None


def _follow_merges(usager: Usager) -> Usager:
    seen = set()
    while usager.merged_into_id and usager.pk not in seen:
        seen.add(usager.pk)
        usager = usager.merged_into
    return usager


def _complete_missing_details(usager: Usager, *, now: datetime, **details) -> None:
    changed = ["last_contact_at"]
    usager.last_contact_at = now
    for field, value in details.items():
        if value and not getattr(usager, field if field != "commune" else "commune_id"):
            setattr(usager, field, value)
            changed.append(field)
            if field == "street":
                usager.zone = value.zone
                changed.append("zone")
    if usager.category == Category.INCONNUE and details.get("category"):
        usager.category = details["category"]
        changed.append("category")
    usager.save(update_fields=sorted(set(changed)))


def add_contact_point(*, usager: Usager, kind: str, value: str, is_mobile: bool = False,
                      now: datetime | None = None) -> ContactPoint:
    """Attach a normalised contact point; idempotent, safe under concurrent deliveries."""
    now = now or timezone.now()
    existing = ContactPoint.objects.filter(kind=kind, value=value).first()
    if existing:
        if existing.usager_id == usager.pk:
            ContactPoint.objects.filter(pk=existing.pk).update(last_used_at=now)
        return existing
    is_first = not ContactPoint.objects.filter(usager=usager, kind=kind).exists()
    try:
        with transaction.atomic():
            return ContactPoint.objects.create(usager=usager, kind=kind, value=value,
                                               is_mobile=is_mobile, is_primary=is_first,
                                               last_used_at=now)
    except IntegrityError:
        return ContactPoint.objects.get(kind=kind, value=value)


def mark_contact_point_invalid(*, kind: str, value: str, reason: str) -> int:
    """A hard bounce or an unreachable number: stop using it, keep it for the record."""
    return ContactPoint.objects.filter(kind=kind, value=value).update(
        is_valid=False, invalid_reason=reason[:200])


def record_contact(
    *,
    usager: Usager,
    kind: str,
    summary: str,
    occurred_at: datetime | None = None,
    channel: str = "",
    source_type: str = "",
    source_id: str | int = "",
    ticket_reference: str = "",
    new_source: bool = False,
) -> TimelineEntry:
    """Add a contact to the usager's 360° history (idempotent per source).

    `new_source=True` says the source row was created in this very transaction, so no entry
    can exist for it yet: the look-up that makes retries idempotent is skipped.
    """
    fields = dict(usager=usager, occurred_at=occurred_at or timezone.now(), channel=channel,
                  summary=summary[:300], ticket_reference=ticket_reference)
    if source_id != "" and not new_source:
        entry, _created = TimelineEntry.objects.get_or_create(
            source_type=source_type, source_id=str(source_id), kind=kind, defaults=fields)
        return entry
    return TimelineEntry.objects.create(kind=kind, source_type=source_type, **fields)


def record_consent(
    *,
    usager: Usager,
    purpose: str,
    channel: str,
    given: bool,
    source: str,
    text: ConsentText | None = None,
    recorded_by=None,
    proof: dict | None = None,
    at: datetime | None = None,
) -> Consent:
    """Append a consent decision with its proof (when, how, which text, who)."""
    if purpose not in Purpose.values:
        raise ValidationError(_("Finalité de consentement inconnue."), code="invalid_purpose")
    if channel not in ConsentChannel.values:
        raise ValidationError(_("Canal de consentement inconnu."), code="invalid_channel")
    at = at or timezone.now()
    consent = Consent.objects.create(usager=usager, purpose=purpose, channel=channel, given=given,
                                     recorded_at=at, source=source, text=text,
                                     recorded_by=recorded_by, proof=proof or {})
    state = _("accordé") if given else _("retiré")
    record_contact(usager=usager, kind=TimelineEntry.Kind.CONSENT, occurred_at=at,
                   channel=channel, source_type="crm.consent", source_id=consent.pk,
                   summary=f"{consent.get_purpose_display()} ({consent.get_channel_display()}) : "
                           f"{state}")
    return consent
