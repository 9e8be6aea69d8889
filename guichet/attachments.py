"""Rules for files residents send: size and type limits, safe names."""

from __future__ import annotations

import mimetypes
import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from .models import Attachment

ALLOWED_TYPES = {
    "image/jpeg", "image/png", "image/gif", "image/webp", "image/heic", "image/heif",
    "application/pdf", "text/plain",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/msword", "application/vnd.oasis.opendocument.text",
    "audio/mpeg", "audio/wav", "audio/x-wav",
}
MAX_NAME_LENGTH = 120


def safe_filename(name: str) -> str:
    """Keep a readable name without paths, control characters or shell-hostile characters."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "fichier"
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    stem = stem[: MAX_NAME_LENGTH - len(ext) - 1]
    return f"{stem}.{ext}" if ext else stem


def check(*, filename: str, content_type: str, size: int) -> str:
    """Validate one file; returns the content type to store."""
    content_type = (content_type or "").split(";")[0].strip().lower()
    if not content_type or content_type == "application/octet-stream":
        content_type = mimetypes.guess_type(filename or "")[0] or "application/octet-stream"
    if content_type not in ALLOWED_TYPES:
        raise ValidationError(
            _("Le type de fichier de « %(name)s » n’est pas accepté (photos, PDF, documents "
              "texte)."), code="attachment_type", params={"name": filename})
    if size > settings.MDS_MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            _("Le fichier « %(name)s » dépasse %(max)s Mo."), code="attachment_size",
            params={"name": filename, "max": settings.MDS_MAX_ATTACHMENT_BYTES // (1024 * 1024)})
    return content_type


def store(*, message, incoming) -> Attachment:
    content_type = check(filename=incoming.filename, content_type=incoming.content_type,
                         size=len(incoming.content))
    name = safe_filename(incoming.filename)
    attachment = Attachment(message=message, filename=name, content_type=content_type,
                            size=len(incoming.content))
    attachment.file.save(name, ContentFile(incoming.content), save=False)
    attachment.save()
    return attachment
