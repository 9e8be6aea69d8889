"""Indexes for the back office's queue and search (guichet.selectors).

Partial B-tree indexes on open tickets serve the agents' queues on every database. On
PostgreSQL only: French full-text GIN indexes on ticket subjects and message bodies, and
trigram GIN indexes on usager names and contact points (name, partial email or phone search).

The indexes are built with Django's own Index classes inside RunPython, so that their
expressions are exactly the SQL the selectors' queries generate, and so that SQLite simply
skips what it cannot do. They are not part of the models' state on purpose: they belong to
the back office's read path, not to the data model.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models
from django.db.models.functions import Upper

OPEN = ["nouveau", "en_cours", "en_attente"]


def _btree_indexes():
    open_only = models.Q(status__in=OPEN)
    return [
        ("guichet", "Ticket", models.Index(fields=["-created_at", "-id"], condition=open_only,
                                           name="ticket_open_created_idx")),
        ("guichet", "Ticket", models.Index(fields=["due_at"], condition=open_only,
                                           name="ticket_open_due_idx")),
        ("guichet", "Ticket", models.Index(fields=["queue", "-created_at"], condition=open_only,
                                           name="ticket_open_queue_idx")),
        ("guichet", "Ticket", models.Index(fields=["-priority", "-created_at"],
                                           condition=open_only, name="ticket_open_priority_idx")),
        ("guichet", "Ticket", models.Index(fields=["-updated_at"], name="ticket_updated_idx")),
    ]


def _postgres_indexes():
    from django.contrib.postgres.indexes import GinIndex, OpClass
    from django.contrib.postgres.search import SearchVector

    def trigram(expression, name):
        return GinIndex(OpClass(expression, name="gin_trgm_ops"), name=name)

    return [
        ("guichet", "Ticket", GinIndex(SearchVector("subject", config="french"),
                                       name="ticket_subject_fts_idx")),
        ("guichet", "Message", GinIndex(SearchVector("body", config="french"),
                                        name="message_body_fts_idx")),
        ("crm", "Usager", trigram(Upper("last_name"), "usager_last_name_trgm_idx")),
        ("crm", "Usager", trigram(Upper("first_name"), "usager_first_name_trgm_idx")),
        ("crm", "Usager", trigram(Upper("organisation"), "usager_organisation_trgm_idx")),
        ("crm", "ContactPoint", trigram(models.F("value"), "contactpoint_value_trgm_idx")),
    ]


def _indexes(schema_editor):
    indexes = _btree_indexes()
    if schema_editor.connection.vendor == "postgresql":
        indexes += _postgres_indexes()
    return indexes


def create_indexes(apps, schema_editor):
    for app_label, model_name, index in _indexes(schema_editor):
        schema_editor.add_index(apps.get_model(app_label, model_name), index)


def drop_indexes(apps, schema_editor):
    for app_label, model_name, index in _indexes(schema_editor):
        schema_editor.remove_index(apps.get_model(app_label, model_name), index)


class Migration(migrations.Migration):

    dependencies = [
        ("guichet", "0001_initial"),
        ("crm", "0001_initial"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
