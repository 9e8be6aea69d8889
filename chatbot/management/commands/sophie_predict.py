"""sophie_predict: one message per line on stdin → one JSON object per line on stdout.

    echo "quand passe le camion à trouville ?" | python manage.py sophie_predict
    {"text": "...", "intent": "collecte_jours", "confidence": 0.93,
     "entities": {"commune": "Trouville-sur-Mer", "item": null, ...}}

The engine is built once (from the database's published phrases), then each line costs well
under a millisecond: thousands of lines take seconds.
"""

from __future__ import annotations

import io
import json
import sys
from datetime import date

from django.core.management.base import BaseCommand

from ._engine import engine_for_commands


def _jsonable(value):
    if isinstance(value, date):
        return value.isoformat()
    return value


class Command(BaseCommand):
    help = "Lit un message par ligne sur l’entrée standard et écrit ce que Sophie comprend (JSON)."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Date du jour pour les dates relatives (AAAA-MM-JJ).")

    def handle(self, *args, today=None, **options):
        engine = engine_for_commands(self.stderr)
        today = date.fromisoformat(today) if today else date.today()
        stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace") \
            if hasattr(sys.stdin, "buffer") else sys.stdin
        out = sys.stdout
        for line in stdin:
            text = line.rstrip("\r\n")
            u = engine.understand(text, today=today)
            entities = {key: _jsonable(value) for key, value in u.entities.items()}
            out.write(json.dumps({"text": text, "intent": u.intent,
                                  "confidence": round(float(u.confidence), 4),
                                  "entities": entities}, ensure_ascii=False) + "\n")
        out.flush()
