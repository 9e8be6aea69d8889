"""guichet's periodic tasks (collected by maison/celery.py)."""

BEAT_SCHEDULE = {
    # Outbound messages whose task was lost, or left "sending" by a dead worker.
    "guichet-recover-stuck-messages": {"task": "guichet.tasks.recover_stuck_messages",
                                       "schedule": 300.0},
    # Raw inbound inputs whose filing task was lost.
    "guichet-drain-raw-inbound": {"task": "guichet.tasks.drain_raw_inbound", "schedule": 120.0},
}
