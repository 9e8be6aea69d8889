"""More read-path indexes for the back office's queue (see 0002).

- Sorting by priority whatever the status filter (e.g. closed tickets of a theme, most urgent
  first) needs a full index; open tickets keep their small partial one, so that a narrow
  filter on open tickets never walks a million-row index.
- The tab and page counts of open tickets narrowed by commune, theme, channel or nature read
  small partial indexes instead of fetching every ticket of that commune or theme.
"""

from django.db import migrations, models

OPEN_ONLY = models.Q(status__in=["nouveau", "en_cours", "en_attente"])
INDEXES = [
    models.Index(fields=["-priority", "-created_at"], name="ticket_priority_idx"),
    models.Index(fields=["commune"], condition=OPEN_ONLY, name="ticket_open_commune_idx"),
    models.Index(fields=["theme"], condition=OPEN_ONLY, name="ticket_open_theme_idx"),
    models.Index(fields=["channel"], condition=OPEN_ONLY, name="ticket_open_channel_idx"),
    models.Index(fields=["nature"], condition=OPEN_ONLY, name="ticket_open_nature_idx"),
]


def forwards(apps, schema_editor):
    ticket = apps.get_model("guichet", "Ticket")
    for index in INDEXES:
        schema_editor.add_index(ticket, index)


def backwards(apps, schema_editor):
    ticket = apps.get_model("guichet", "Ticket")
    for index in INDEXES:
        schema_editor.remove_index(ticket, index)


class Migration(migrations.Migration):

    dependencies = [
        ("guichet", "0003_channels_delivery_followers_notices"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
