"""crm's periodic tasks (collected by maison/celery.py)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "crm-dispatch-due-campaigns": {
        "task": "crm.tasks.dispatch_due_campaigns",
        "schedule": 60.0,
    },
    "crm-find-duplicates": {
        "task": "crm.tasks.find_duplicates",
        "schedule": crontab(hour=3, minute=15),
    },
    "crm-apply-retention": {
        "task": "crm.tasks.apply_retention",
        "schedule": crontab(hour=2, minute=30),
    },
}
