"""Real processes for the fault tests: a private Redis, and Celery workers to kill."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, timeout: float, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return False


class PrivateRedis:
    """A redis-server of this test alone, on a free port, that the test stops and starts."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is needed for the fault tests")
        self.process = subprocess.Popen(  # noqa: S603
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if not wait_for(self.answers, timeout=10):
            raise RuntimeError("the private redis-server did not start")

    def answers(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.2).ping())
        except redis.RedisError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


def worker_env(**overrides: str) -> dict[str, str]:
    """The environment of a worker on this run's test database, queue and cache prefix."""
    from django.conf import settings
    from django.db import connection

    db = connection.settings_dict
    database_url = (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pilot.settings.test",
        "DATABASE_URL": database_url,
        "TEST_DATABASE_NAME": db["NAME"],
        "TEST_CELERY_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
        "TEST_CACHE_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
        **overrides,
    }


def start_worker(
    name: str, env: dict[str, str], pool: str = "solo"
) -> tuple[subprocess.Popen, str]:
    """Start a Celery worker; return it and its node name once its monitor wrote its
    heartbeat (it is then consuming)."""
    from django.conf import settings

    from reporting.models import WorkerHeartbeat

    nodename = f"{name}-{os.getpid()}@{socket.gethostname()}"
    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "pilot",
            "worker",
            f"--pool={pool}",
            "--concurrency=1",
            "--loglevel=warning",
            "--without-gossip",
            "--without-mingle",
            "-Q",
            settings.CELERY_TASK_DEFAULT_QUEUE,
            "-n",
            nodename,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )

    def ready() -> bool:
        if process.poll() is not None:
            raise RuntimeError(f"worker {nodename} exited while starting")
        return WorkerHeartbeat.objects.filter(hostname=nodename).exists()

    if not wait_for(ready, timeout=60, interval=0.2):
        process.kill()
        raise RuntimeError(f"worker {nodename} did not start within 60 s")
    return process, nodename


def stop_worker(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
