"""Writes on usagers: identification, contact points, consents, the 360° timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
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
    # A usager created by this call: every contact point they have, as just written (the
    # caller needs no look-up to write back to them).
    contact_points: tuple[ContactPoint, ...] = ()


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

    usager, found = _find_by_contact(email, parsed_phone.e164 if parsed_phone else None)
    if usager is None:
        if not create or not (email or parsed_phone or first_name or last_name or organisation):
            return Identification(usager=None, created=False)
        usager = Usager.objects.create(
            first_name=first_name[:100], last_name=last_name[:100], organisation=organisation[:150],
            category=category or Category.INCONNUE, commune=commune, address=address[:250],
            street=street, zone=street.zone if street else None, last_contact_at=now,
        )
        points = _attach_first_contact_points(usager, email=email, phone=parsed_phone, now=now)
        return Identification(usager=usager, created=True, contact_points=points)
    _complete_missing_details(usager, first_name=first_name, last_name=last_name,
                              organisation=organisation, category=category, commune=commune,
                              address=address, street=street, now=now)
    for kind, value, is_mobile in ((ContactPoint.Kind.EMAIL, email, False),
                                   (ContactPoint.Kind.PHONE, parsed_phone and parsed_phone.e164,
                                    parsed_phone is not None and parsed_phone.is_mobile)):
        if kind in found:  # held already (looked up just above): only its use is recorded
            _touch_contact_point(found[kind], usager=usager, now=now)
        elif value:
            add_contact_point(usager=usager, kind=kind, value=value, is_mobile=is_mobile,
                              now=now)
    return Identification(usager=usager, created=False)


def _attach_first_contact_points(usager: Usager, *, email: str | None,
                                 phone: ParsedPhone | None, now: datetime
                                 ) -> tuple[ContactPoint, ...]:
    """A brand-new usager's contact points, the first of their kind, in one statement.

    Nobody held them a moment ago; a concurrent first message from the same address may have
    just taken one, and then it stays with that other usager (ON CONFLICT DO NOTHING: no error
    that would abort the caller's transaction, no savepoint).
    """
    points = []
    if email:
        points.append(ContactPoint(usager=usager, kind=ContactPoint.Kind.EMAIL, value=email,
                                   is_primary=True, last_used_at=now))
    if phone:
        points.append(ContactPoint(usager=usager, kind=ContactPoint.Kind.PHONE, value=phone.e164,
                                   is_mobile=phone.is_mobile, is_primary=True, last_used_at=now))
    if points:
        ContactPoint.objects.bulk_create(points, ignore_conflicts=True)
    return tuple(points)


def _find_by_contact(email: str | None, phone: str | None
                     ) -> tuple[Usager | None, dict[str, ContactPoint]]:
    """The usager holding this email, else this phone number, and the contact points found
    by kind (one query for both)."""
    wanted = [(kind, value) for kind, value in ((ContactPoint.Kind.EMAIL, email),
                                                (ContactPoint.Kind.PHONE, phone)) if value]
    if not wanted:
        return None, {}
    match = Q()
    for kind, value in wanted:
        match |= Q(kind=kind, value=value)
    found = {point.kind: point for point in
             ContactPoint.objects.select_related("usager").filter(match)[:2]}
    for kind, _value in wanted:
        if kind in found:
            return _follow_merges(found[kind].usager), found
    return None, found


def _touch_contact_point(point: ContactPoint, *, usager: Usager, now: datetime) -> None:
    """An existing point was used again: remember when, if it is this usager's own (a point
    left on a merged-away usager stays as it is)."""
    if point.usager_id == usager.pk:
        ContactPoint.objects.filter(pk=point.pk).update(last_used_at=now)


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
        _touch_contact_point(existing, usager=usager, now=now)
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
    return TimelineEntry.objects.create(kind=kind, source_type=source_type,
                                        source_id=str(source_id), **fields)


@dataclass(frozen=True)
class Contact:
    """One contact for `record_new_contacts`: the arguments of `record_contact`."""

    usager: Usager
    kind: str
    summary: str
    occurred_at: datetime
    channel: str = ""
    source_type: str = ""
    source_id: str | int = ""
    ticket_reference: str = ""


def record_new_contacts(contacts: list[Contact]) -> list[TimelineEntry]:
    """Several contacts whose sources were all created in this very transaction (a new ticket
    and its first message), written in one statement: no entry can exist for them yet."""
    return TimelineEntry.objects.bulk_create([
        TimelineEntry(usager=contact.usager, kind=contact.kind, summary=contact.summary[:300],
                      occurred_at=contact.occurred_at, channel=contact.channel,
                      source_type=contact.source_type, source_id=str(contact.source_id),
                      ticket_reference=contact.ticket_reference)
        for contact in contacts])


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
