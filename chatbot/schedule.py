"""Sophie's periodic tasks (collected by maison/celery.py)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "chatbot-purge-old-conversations": {
        "task": "chatbot.tasks.purge_old_conversations",
        "schedule": crontab(hour=3, minute=40),
    },
    "chatbot-release-abandoned-handoffs": {
        "task": "chatbot.tasks.release_abandoned_handoffs",
        "schedule": 60.0,
    },
}
