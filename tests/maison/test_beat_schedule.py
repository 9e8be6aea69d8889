from maison.celery import _collect_beat_schedules, app


def test_every_rooms_periodic_tasks_are_scheduled_and_exist():
    _collect_beat_schedules()
    schedule = app.conf.beat_schedule
    expected = {"guichet-recover-stuck-messages", "guichet-drain-raw-inbound"}
    assert expected <= set(schedule)
    app.loader.import_default_modules()
    for entry in schedule.values():
        assert entry["task"] in app.tasks, entry["task"]
    prefixes = {entry["task"].split(".")[0] for entry in schedule.values()}
    assert {"guichet", "crm", "surveys", "cockpit", "chatbot"} <= prefixes
