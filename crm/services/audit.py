"""The access log: who viewed, changed, exported or erased a usager's personal data."""

from __future__ import annotations

from django.utils import timezone

from crm.models import AccessLog, Usager


def log_access(*, usager: Usager, user, action: str, detail: dict | None = None) -> AccessLog:
    actor = user if user is not None and getattr(user, "is_authenticated", False) else None
    return AccessLog.objects.create(usager=usager, user=actor, action=action,
                                    at=timezone.now(), detail=detail or {})
