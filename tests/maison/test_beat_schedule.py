from importlib import import_module

from django.apps import apps
from django.utils.module_loading import module_has_submodule

from maison.celery import _collect_beat_schedules, app


def _import_every_tasks_module():
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "tasks"):
            import_module(f"{config.name}.tasks")


def test_every_rooms_periodic_tasks_are_scheduled_and_exist():
    _collect_beat_schedules()
    _import_every_tasks_module()
    schedule = app.conf.beat_schedule
    assert {"guichet-recover-stuck-messages", "guichet-drain-raw-inbound"} <= set(schedule)
    registered = set(app.tasks.keys())
    missing = {entry["task"] for entry in schedule.values()} - registered
    assert not missing, f"scheduled tasks that do not exist: {missing}"
    prefixes = {entry["task"].split(".")[0] for entry in schedule.values()}
    assert {"guichet", "crm", "surveys", "cockpit", "chatbot"} <= prefixes
