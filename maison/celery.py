"""The Celery application: one broker for the whole house (filesystem by default, Redis in prod)."""

import importlib
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maison.settings")

app = Celery("maison")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _ensure_filesystem_broker_folders() -> None:
    from django.conf import settings

    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            os.makedirs(options[key], exist_ok=True)


def _collect_beat_schedules() -> None:
    """Each room declares its periodic tasks in `<app>/schedule.py` as BEAT_SCHEDULE."""
    from django.apps import apps
    from django.utils.module_loading import module_has_submodule

    schedule = dict(app.conf.beat_schedule or {})
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "schedule"):
            module = importlib.import_module(f"{config.name}.schedule")
            schedule.update(getattr(module, "BEAT_SCHEDULE", {}))
    app.conf.beat_schedule = schedule


@app.on_after_finalize.connect
def _prepare(sender, **kwargs):
    _ensure_filesystem_broker_folders()
    _collect_beat_schedules()
