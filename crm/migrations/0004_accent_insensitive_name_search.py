"""Accent-insensitive search by name (crm.selectors.search_usagers and the back office's
guichet.selectors.usagers_by_name), PostgreSQL only.

- The `unaccent` extension, and `mds_unaccent(text)`: an IMMUTABLE wrapper around it (the
  extension's own function is only STABLE, as its dictionary could change), so that indexes
  may be built on it. crm.unaccent.Unaccent calls it; SQLite gets a Python function of
  the same name at run time.
- The trigram indexes on usagers' names move from UPPER(name) (guichet 0002) to
  mds_unaccent(UPPER(name)): "lefevre" and "Lefèvre" read the same index entries.

Like 0002, the indexes are built with Django's Index classes inside RunPython so that their
expressions are exactly the SQL the selector generates, and are not part of the models' state.
"""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations, models
from django.db.models.functions import Upper

FIELDS = ("last_name", "first_name", "organisation")


class Unaccent(models.Func):
    """As crm.unaccent.Unaccent (kept here so that this migration never changes)."""

    function = "mds_unaccent"
    output_field = models.CharField()


def _trigram(expression, name):
    from django.contrib.postgres.indexes import GinIndex, OpClass

    return GinIndex(OpClass(expression, name="gin_trgm_ops"), name=name)


def _old_indexes():
    return [_trigram(Upper(field), f"usager_{field}_trgm_idx") for field in FIELDS]


def _new_indexes():
    return [_trigram(Unaccent(Upper(field)), f"usager_{field}_unaccent_idx")
            for field in FIELDS]


def _create_function(schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
                       "ON n.oid = e.extnamespace WHERE e.extname = 'unaccent'")
        schema = schema_editor.quote_name(cursor.fetchone()[0])
    schema_editor.execute(
        "CREATE OR REPLACE FUNCTION mds_unaccent(text) RETURNS text "
        "LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT "
        f"AS $$ SELECT {schema}.unaccent('{schema}.unaccent'::regdictionary, $1) $$")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    usager = apps.get_model("crm", "Usager")
    _create_function(schema_editor)
    for index in _old_indexes():
        schema_editor.remove_index(usager, index)
    for index in _new_indexes():
        schema_editor.add_index(usager, index)
    # Statistics on the new index expressions, for the planner's estimates.
    schema_editor.execute(f"ANALYZE {schema_editor.quote_name(usager._meta.db_table)}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    usager = apps.get_model("crm", "Usager")
    for index in _new_indexes():
        schema_editor.remove_index(usager, index)
    for index in _old_indexes():
        schema_editor.add_index(usager, index)
    schema_editor.execute("DROP FUNCTION IF EXISTS mds_unaccent(text)")


class Migration(migrations.Migration):

    dependencies = [
        ("crm", "0003_consent_texts"),
        # The indexes replaced here were created by the back office's first index migration.
        ("guichet", "0002_backoffice_indexes"),
    ]

    operations = [
        UnaccentExtension(),
        migrations.RunPython(forwards, backwards),
    ]
