"""The Celery application: one broker for the whole house (filesystem by default, Redis in prod)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maison.settings")

app = Celery("maison")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _ensure_filesystem_broker_folders() -> None:
    from django.conf import settings

    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
    for key in ("data_folder_in", "data_folder_out", "processed_folder"):
        if options.get(key):
            os.makedirs(options[key], exist_ok=True)


@app.on_after_configure.connect
def _prepare(sender, **kwargs):
    _ensure_filesystem_broker_folders()
