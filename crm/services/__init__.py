"""crm's writes, by topic. Other rooms import from here: `from crm import services`.

- identity: identify_usager, contact points, record_contact (360° timeline), record_consent
- preferences: consent texts, signed preference links (`preferences_url`) and choices
- usagers: agents' edits, every change audited
- duplicates / merges: probable duplicates for supervisors, merge and undo
- campaigns: targeting opted-in usagers, throttled idempotent sending
- rgpd: export, erasure by anonymisation, retention
"""

from .audit import log_access
from .identity import (
    Contact,
    Identification,
    ParsedPhone,
    add_contact_point,
    identify_usager,
    mark_contact_point_invalid,
    normalize_email,
    normalize_phone,
    parse_phone,
    record_consent,
    record_contact,
    record_new_contacts,
)
from .preferences import (
    PreferenceLinkError,
    current_consent_text,
    ensure_consent_text,
    preferences_token,
    preferences_url,
    read_preferences_token,
    read_short_code,
    short_preferences_url,
    update_preferences,
)

__all__ = [
    "Contact", "Identification", "ParsedPhone", "PreferenceLinkError", "add_contact_point",
    "current_consent_text", "ensure_consent_text", "identify_usager", "log_access",
    "mark_contact_point_invalid", "normalize_email", "normalize_phone", "parse_phone",
    "preferences_token", "preferences_url",
    "read_preferences_token", "read_short_code", "record_consent", "record_contact",
    "record_new_contacts",
    "short_preferences_url", "update_preferences",
]
