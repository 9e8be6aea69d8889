"""Consent texts, signed preference links and the usager's own choices (no account needed).

Withdrawing must be as easy as giving: every message we send carries a link to the public
preference page. The link is a django.core.signing token (salted, timestamped, expiring):
it cannot be forged without the secret key and says nothing readable about the usager.
SMS get a short code stored in the database, since 160 characters leave no room for a token.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from crm.models import (
    Consent,
    ConsentChannel,
    ConsentText,
    PreferenceShortLink,
    Purpose,
    Usager,
)

from .identity import _follow_merges, record_consent

PREFERENCES_SALT = "crm.preferences.v1"
SOURCE_PREFERENCE_LINK = "lien de préférences"


class PreferenceLinkError(Exception):
    """The link cannot be used: `reason` is "expired", "invalid" or "unknown"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def ensure_consent_text(*, purpose: str, version: str, text: str) -> ConsentText:
    """Register the exact wording a channel shows next to a consent box (idempotent).

    A version is immutable proof: once recorded, its text is never rewritten; a new wording
    needs a new version.
    """
    consent_text, _created = ConsentText.objects.get_or_create(
        purpose=purpose, version=version, defaults={"text": text})
    return consent_text


def current_consent_text(purpose: str) -> ConsentText | None:
    """The wording shown today for a purpose (the latest version)."""
    return ConsentText.objects.filter(purpose=purpose).order_by("-created_at", "-id").first()


def link_max_age() -> timedelta:
    return timedelta(days=settings.MDS_PREFERENCES_LINK_DAYS)


def preferences_token(usager: Usager) -> str:
    return signing.dumps({"u": usager.public_id.hex}, salt=PREFERENCES_SALT)


def preferences_url(usager: Usager) -> str:
    """The absolute link to put in every message sent to this usager."""
    path = reverse("crm:preferences", args=[preferences_token(usager)])
    return f"{settings.PUBLIC_BASE_URL}{path}"


@dataclass(frozen=True)
class PreferenceLink:
    usager: Usager
    issued_at: datetime


def read_preferences_token(token: str) -> PreferenceLink:
    """The usager behind a signed link; raises PreferenceLinkError, never anything else."""
    try:
        data = signing.loads(token, salt=PREFERENCES_SALT, max_age=link_max_age())
        issued_at = datetime.fromtimestamp(_token_timestamp(token), tz=UTC)
    except signing.SignatureExpired:
        raise PreferenceLinkError("expired") from None
    except (signing.BadSignature, ValueError, TypeError, IndexError):
        raise PreferenceLinkError("invalid") from None
    public_hex = data.get("u") if isinstance(data, dict) else None
    return PreferenceLink(usager=_usager_for_link(public_hex), issued_at=issued_at)


def _token_timestamp(token: str) -> float:
    # dumps() produces "payload:timestamp:signature"; the signature was checked by loads().
    return float(signing.b62_decode(token.rsplit(":", 2)[1]))


def _usager_for_link(public_hex) -> Usager:
    try:
        public_id = uuid.UUID(public_hex)
    except (TypeError, ValueError, AttributeError):
        raise PreferenceLinkError("invalid") from None
    usager = Usager.objects.filter(public_id=public_id).first()
    if usager is not None:
        usager = _follow_merges(usager)
    if usager is None or usager.erased_at is not None:
        raise PreferenceLinkError("unknown")
    return usager


def short_preferences_url(usager: Usager, *, now: datetime | None = None) -> str:
    """A short link for SMS, reused while it has more than half of its life left."""
    now = now or timezone.now()
    link = (PreferenceShortLink.objects
            .filter(usager=usager, expires_at__gt=now + link_max_age() / 2)
            .order_by("-expires_at").first())
    if link is None:
        link = PreferenceShortLink.objects.create(usager=usager, expires_at=now + link_max_age())
    return f"{settings.PUBLIC_BASE_URL}{reverse('crm:short_preferences', args=[link.code])}"


def read_short_code(code: str, *, now: datetime | None = None) -> Usager:
    link = PreferenceShortLink.objects.select_related("usager").filter(code=code).first()
    if link is None:
        raise PreferenceLinkError("invalid")
    if link.expires_at <= (now or timezone.now()):
        raise PreferenceLinkError("expired")
    return _usager_for_link(link.usager.public_id.hex)


@transaction.atomic
def update_preferences(
    *,
    usager: Usager,
    wanted: dict[tuple[str, str], bool],
    source: str,
    recorded_by=None,
    proof: dict | None = None,
    texts: dict[str, ConsentText] | None = None,
) -> list[Consent]:
    """Record the choices that differ from the current state, each with its proof."""
    from crm.selectors import consent_states

    current = consent_states(usager)
    recorded = []
    for (purpose, channel), given in wanted.items():
        if purpose not in Purpose.values or channel not in ConsentChannel.values:
            continue
        latest = current.get((purpose, channel))
        if (latest.given if latest else False) == given:
            continue  # unchanged (and "no" is the default: nothing to prove)
        text = (texts or {}).get(purpose) or current_consent_text(purpose)
        recorded.append(record_consent(
            usager=usager, purpose=purpose, channel=channel, given=given, source=source,
            text=text, recorded_by=recorded_by,
            proof={**(proof or {}), "text_version": text.version if text else None}))
    return recorded
