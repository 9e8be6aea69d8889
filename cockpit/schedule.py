"""The cockpit's periodic tasks (collected by maison/celery.py)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "cockpit-catch-up-rollups": {
        "task": "cockpit.tasks.catch_up_rollups",
        "schedule": 15.0,
        "options": {"expires": 14},
    },
    "cockpit-refresh-survey-rollups": {
        "task": "cockpit.tasks.refresh_survey_rollups",
        "schedule": 300.0,
        "options": {"expires": 290},
    },
    "cockpit-reconcile-rollups": {
        "task": "cockpit.tasks.reconcile_rollups",
        "schedule": crontab(hour=3, minute=40),
    },
}
