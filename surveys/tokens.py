"""Answer links: unguessable, derived from a secret key, stored only as a hash.

token = base64url(HMAC-SHA256(key, "survey:<id>:<nonce>"))[:22] — 128 bits, short enough for an
SMS. The database keeps the nonce and SHA-256(token): a copy of the database alone cannot
produce a working link, and the reminder can carry the same link as the first message.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from django.conf import settings

TOKEN_CHARS = 22


def new_nonce() -> str:
    return secrets.token_hex(8)


def make_token(survey_id: int, nonce: str) -> str:
    digest = hmac.new(settings.SURVEYS_TOKEN_KEY.encode(), f"survey:{survey_id}:{nonce}".encode(),
                      hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:TOKEN_CHARS]


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def looks_like_token(value: str) -> bool:
    return len(value) == TOKEN_CHARS and all(c.isalnum() or c in "-_" for c in value)
