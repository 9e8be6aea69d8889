"""The engine for Sophie's commands: the database's, or the shipped files' when it has none."""

from __future__ import annotations

import sys

from django.db import DatabaseError


def engine_for_commands(stderr=None):
    stderr = stderr or sys.stderr
    try:
        from chatbot.selectors import build_engine

        engine, source = build_engine()
    except DatabaseError:
        from chatbot.nlu_data import build_engine_from_files

        engine, source = build_engine_from_files(), "files"
    if source == "files":
        stderr.write("Aucune phrase d’entraînement en base (lancez migrate puis seed_demo) : "
                     "Sophie utilise les fichiers livrés dans chatbot/data/training.\n")
    return engine
