"""Process health, readiness, and the landing page that sends each role to its room."""

import logging

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from . import roles

logger = logging.getLogger(__name__)


@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


@require_GET
def readyz(request):
    checks = {"database": _database_answers(), "broker": _broker_answers()}
    ready = all(checks.values())
    return JsonResponse({"status": "ok" if ready else "unavailable", "checks": checks},
                        status=200 if ready else 503)


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        logger.exception("database not ready")
        return False


def _broker_answers() -> bool:
    from .celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        logger.exception("broker not ready")
        return False


def home(request):
    role = roles.role_of(request.user)
    if role is None:
        return redirect("login")
    if role == roles.ELU:
        return redirect("cockpit:home")
    return redirect("guichet:queue")
