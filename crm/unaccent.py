"""Accent-insensitive matching: "Lefevre" finds "Lefèvre", "helene" finds "Hélène".

`Unaccent(expression)` calls the database function `mds_unaccent`: on PostgreSQL an IMMUTABLE
wrapper around the `unaccent` extension (created by crm/migrations/0004), so that trigram
indexes can be built on it; on SQLite (the embedded mode) the same name is a Python function
registered on the connection the first time a query needs it.
"""

from __future__ import annotations

import unicodedata

from django.db.models import CharField, Func

FUNCTION = "mds_unaccent"
# Letters that Unicode does not decompose but French writes: "Œuvre" is looked for as "oeuvre".
LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})


def fold(text: str | None) -> str | None:
    """The text without its accents (the SQLite side of mds_unaccent)."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", text.translate(LIGATURES))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


class Unaccent(Func):
    function = FUNCTION
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        connection.ensure_connection()
        connection.connection.create_function(FUNCTION, 1, fold, deterministic=True)
        return self.as_sql(compiler, connection, **extra_context)
