"""Test helpers that run inside a real worker: a recording email backend and fault hooks.

Enabled only through settings read from the environment (DJANGO_EMAIL_BACKEND,
MDS_SURVEYS_FAULT_HOOK); production never points at this module.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend

OUTBOX_ENV = "MDS_TEST_OUTBOX"
PAUSE_MARKER_ENV = "MDS_TEST_PAUSE_MARKER"


class RecordingEmailBackend(BaseEmailBackend):
    """Appends one JSON line per message to $MDS_TEST_OUTBOX (shared with the test process)."""

    def send_messages(self, email_messages):
        path = Path(os.environ[OUTBOX_ENV])
        with path.open("a", encoding="utf-8") as outbox:
            for message in email_messages:
                outbox.write(json.dumps({"to": message.to, "subject": message.subject,
                                         "headers": message.extra_headers}) + "\n")
                outbox.flush()
                os.fsync(outbox.fileno())
        return len(email_messages)


def read_outbox(path: str | Path) -> list[dict]:
    path = Path(path)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def pause_after_claim(stage: str, ids: list[int]) -> None:
    """Fault hook: after the first claim, write {pid, ids} to $MDS_TEST_PAUSE_MARKER and hang
    until the test kills the process. Later claims (after the kill) go through."""
    marker = Path(os.environ[PAUSE_MARKER_ENV])
    if stage != "claimed" or marker.exists():
        return
    marker.write_text(json.dumps({"pid": os.getpid(), "ids": ids}), encoding="utf-8")
    time.sleep(120)
