"""docker-compose.yml is validated here (no Docker engine on CI), and production settings hold."""

import re
from pathlib import Path

import yaml
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = {"migrate", "web", "worker", "beat"}


def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_every_service_with_health_checks_and_volumes():
    services = compose()["services"]
    assert set(services) == {"postgres", "redis", *APP_SERVICES}
    for name in ("postgres", "redis", "web", "worker", "beat"):
        assert services[name]["healthcheck"]["test"], name
    assert services["postgres"]["volumes"] == ["pgdata:/var/lib/postgresql/data"]
    assert set(compose()["volumes"]) == {"pgdata", "redisdata", "media"}
    assert services["web"]["depends_on"]["migrate"]["condition"] == \
        "service_completed_successfully"


def test_app_services_run_production_settings_from_the_environment():
    services = compose()["services"]
    for name in APP_SERVICES:
        env = services[name]["environment"]
        assert env["DJANGO_DEBUG"] == "0"
        assert env["DJANGO_SECRET_KEY"].startswith("${DJANGO_SECRET_KEY:?")
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["REDIS_URL"].startswith("redis://redis:6379")
    commands = {name: services[name]["command"][0] for name in APP_SERVICES}
    assert commands == {"migrate": "python", "web": "gunicorn", "worker": "celery",
                        "beat": "celery"}


def test_every_variable_compose_passes_is_read_by_the_settings():
    settings_source = (ROOT / "maison" / "settings.py").read_text()
    read = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', settings_source))
    read |= set(re.findall(r'env\.db_url\("([A-Z_]+)"', settings_source))
    passed = set(compose()["services"]["web"]["environment"])
    assert passed - read == set(), "compose passes variables the settings never read"


def test_dockerfile_copies_every_local_app():
    dockerfile = (ROOT / "Dockerfile").read_text()
    local_apps = [app for app in settings.INSTALLED_APPS if (ROOT / app).is_dir()]
    for app in local_apps:
        assert f"COPY {app} ./{app}" in dockerfile, app


def test_the_web_comes_first_when_the_cpu_is_short():
    """Webhooks and chats are answered before stored inputs are filed (the inbox absorbs a
    burst): the worker runs with a smaller CPU share than the web server (Docker's default is
    1024)."""
    services = compose()["services"]
    assert services["worker"]["cpu_shares"] < services["web"].get("cpu_shares", 1024)
