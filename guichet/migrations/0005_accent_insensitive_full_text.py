"""Accent-insensitive full-text search of tickets and messages (guichet.selectors), PostgreSQL
only: "decheterie" finds "déchèterie", as typed on a phone keyboard.

- A text search configuration `mds_french`: PostgreSQL's French one with the `unaccent`
  dictionary (crm/migrations/0004 installs the extension) before the French stemmer.
- The GIN indexes of 0002 on to_tsvector('french', …) are rebuilt on
  to_tsvector('mds_french', …): the same size and the same speed, one index each as before.
  Writes to the table wait while its index is built (as for any CREATE INDEX); reads do not.

Rebuilding the message index reads every message once: about three minutes for two million
messages on a busy two-core machine.
"""

from django.db import migrations

CONFIG = "mds_french"
TARGETS = [("Ticket", "subject", "ticket_subject"), ("Message", "body", "message_body")]


def _indexes(config: str, suffix: str):
    from django.contrib.postgres.indexes import GinIndex
    from django.contrib.postgres.search import SearchVector

    return [(model, GinIndex(SearchVector(field, config=config), name=f"{prefix}_{suffix}"))
            for model, field, prefix in TARGETS]


def _create_config(schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_ts_config WHERE cfgname = %s", [CONFIG])
        if cursor.fetchone():
            return
        cursor.execute("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
                       "ON n.oid = e.extnamespace WHERE e.extname = 'unaccent'")
        schema = schema_editor.quote_name(cursor.fetchone()[0])
    schema_editor.execute(f"CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = pg_catalog.french)")
    schema_editor.execute(f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} ALTER MAPPING FOR "
                          f"hword, hword_part, word WITH {schema}.unaccent, french_stem")


def _swap(apps, schema_editor, old, new):
    """The new index first, then the old one dropped: searches keep an index all along."""
    for (model, old_index), (_model, new_index) in zip(old, new, strict=True):
        schema_editor.add_index(apps.get_model("guichet", model), new_index)
        schema_editor.remove_index(apps.get_model("guichet", model), old_index)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    _create_config(schema_editor)
    _swap(apps, schema_editor, _indexes("french", "fts_idx"), _indexes(CONFIG, "unaccent_idx"))
    _analyze(apps, schema_editor)


def _analyze(apps, schema_editor):
    """Statistics on the new index expressions: without them the planner guesses one match,
    skips intersecting with the window of recent tickets and reads every matching message."""
    for model, _field, _prefix in TARGETS:
        table = apps.get_model("guichet", model)._meta.db_table
        schema_editor.execute(f"ANALYZE {schema_editor.quote_name(table)}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    _swap(apps, schema_editor, _indexes(CONFIG, "unaccent_idx"), _indexes("french", "fts_idx"))
    schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}")


class Migration(migrations.Migration):
    # Each index built and dropped in its own transaction: a long transaction would hold the
    # lock of the dropped index on the messages table (no reads) until the end of the build.
    atomic = False

    dependencies = [
        ("guichet", "0004_backoffice_queue_indexes"),
        ("crm", "0004_accent_insensitive_name_search"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
