"""Periodic tasks of the surveys room (collected by maison/celery.py)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "surveys-pass": {"task": "surveys.tasks.survey_pass", "schedule": crontab(minute="*")},
}
