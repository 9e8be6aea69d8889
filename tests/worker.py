"""A real Celery worker on Redis for the few tests that are about the worker itself.

Usage (the test must use a transactional database so the worker sees committed rows)::

    pytestmark = [pytest.mark.worker, pytest.mark.xdist_group("celery-worker")]

    @pytest.mark.django_db(transaction=True)
    def test_something(celery_worker_factory):
        worker = celery_worker_factory(env={"MDS_SURVEYS_FAULT_HOOK": "..."})
        worker.send("surveys.tasks.send_due_surveys")
        ...
        worker.kill()                  # SIGKILL, the whole process group

The worker runs `celery -A maison worker` as a subprocess with the test database (pytest-django's
`test_<name>`, passed through DATABASE_URL), CELERY_TASK_ALWAYS_EAGER=0 and its own broker:
Redis database 7 by default, on a queue of its own, so that parallel test processes and other
engineers' workers never take each other's tasks.

Skipped with a clear reason when REDIS_URL is not set or the database is not PostgreSQL (SQLite's
test database lives in memory: another process cannot see it); under CI both must be there,
so the test fails instead.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BROKER_DB = 7
READY_TIMEOUT = 60.0


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (required in CI)")
    pytest.skip(reason)


def broker_url(db: int = DEFAULT_BROKER_DB) -> str:
    """Redis database `db` on the REDIS_URL server; skips (fails in CI) when Redis is absent."""
    base = os.environ.get("REDIS_URL", "")
    if not base:
        _unavailable("worker tests need Redis: set REDIS_URL (e.g. redis://127.0.0.1:6379/0)")
    url = urlsplit(base)._replace(path=f"/{db}").geturl()
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        _unavailable(f"Redis at {url} is unreachable: {exc}")
    return url


def test_database_url() -> str:
    """The URL of the test database this test process uses (test_<name>, per xdist worker)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        _unavailable("worker tests need PostgreSQL: the worker process must see the test "
                     "database (set DATABASE_URL=postgres://…)")
    params = connection.settings_dict
    user = quote(params.get("USER") or "", safe="")
    password = quote(params.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = params.get("HOST") or "127.0.0.1"
    port = params.get("PORT") or "5432"
    return f"postgres://{auth}{host}:{port}/{params['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


@dataclass
class CeleryWorker:
    process: subprocess.Popen
    queue: str
    broker: str
    log_path: Path
    tmp_dir: Path
    env: dict = field(default_factory=dict)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the Celery worker exited:\n{self.log()[-4000:]}")
            if " ready." in self.log():
                return
            time.sleep(0.2)
        raise TimeoutError(f"the Celery worker did not start:\n{self.log()[-4000:]}")

    def send(self, task_name: str, *args, **kwargs) -> None:
        """Publish a task to this worker's queue on its broker (never run eagerly)."""
        import warnings

        from maison.celery import app

        with warnings.catch_warnings(), app.connection_for_write(self.broker) as connection:
            warnings.simplefilter("ignore")  # "always eager has no effect": that is the point
            app.send_task(task_name, args=args, kwargs=kwargs, queue=self.queue,
                          connection=connection)

    def kill(self) -> None:
        """SIGKILL the worker and its pool processes, as a crash or an OOM kill would."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def wait_for(predicate, *, timeout: float = 30.0, interval: float = 0.2, what: str = ""):
    """Poll until `predicate()` is truthy; returns its value or fails with `what`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"timed out waiting for {what or predicate}")


@pytest.fixture
def celery_worker_factory(tmp_path):
    """Start real workers: factory(env={...}, concurrency=1, queue=None) -> CeleryWorker."""
    broker = broker_url()
    database = test_database_url()
    queue = f"test-{uuid.uuid4().hex[:12]}"
    workers: list[CeleryWorker] = []

    def start(*, env: dict | None = None, concurrency: int = 1) -> CeleryWorker:
        child_env = {key: value for key, value in os.environ.items()
                     if key not in {"PYTEST_XDIST_WORKER", "PYTEST_XDIST_WORKER_COUNT",
                                    "ANYMAIL_ESP", "PYTEST_CURRENT_TEST"}}
        child_env.update({
            "DATABASE_URL": database, "CELERY_BROKER_URL": broker, "REDIS_URL": broker,
            "CELERY_TASK_ALWAYS_EAGER": "0", "MDS_TESTING": "1", "DJANGO_DEBUG": "0",
            "MDS_VAR_DIR": str(tmp_path / "var"), "MDS_EVENT_BUS": "database",
            "DJANGO_SETTINGS_MODULE": "maison.settings", "PYTHONUNBUFFERED": "1",
        })
        child_env.update(env or {})
        log_path = tmp_path / f"worker-{len(workers)}.log"
        command = [str(Path(sys.executable).parent / "celery"), "-A", "maison", "worker",
                   "-Q", queue, "-c", str(concurrency), "-P", "prefork", "-l", "INFO",
                   "-n", f"{queue}-{len(workers)}@%h", "--without-gossip", "--without-mingle",
                   "--without-heartbeat"]
        with log_path.open("wb") as log:
            process = subprocess.Popen(  # noqa: S603 - our own fixed command line
                command, cwd=ROOT, env=child_env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
        worker = CeleryWorker(process=process, queue=queue, broker=broker, log_path=log_path,
                              tmp_dir=tmp_path, env=child_env)
        workers.append(worker)
        worker.wait_ready()
        return worker

    _purge(broker, queue)
    yield start
    for worker in workers:
        worker.stop()
    _purge(broker, queue)


def _purge(broker: str, queue: str) -> None:
    from maison.celery import app

    # A queue that does not exist yet has nothing to purge.
    with app.connection_for_write(broker) as connection, contextlib.suppress(Exception):
        connection.default_channel.queue_purge(queue)
