"""A fresh site to benchmark: database, production server, worker, all on 127.0.0.1.

The server is started with the documented command (`make serve`), so the
benchmark measures exactly what production runs: granian's flags live in the
Makefile and nowhere else.
"""

import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "work"
PYTHON = sys.executable
PETITION = "/petition/stop-surveilling-our-communities/"
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"


def free_port() -> int:
    """A free port: from PORTS ("9400-9499") when set, so parallel runs on one machine keep to their ranges."""
    if os.environ.get("PORTS"):
        low, high = (int(n) for n in os.environ["PORTS"].split("-"))
        for port in random.sample(range(low, high + 1), high - low + 1):
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", port))
                except OSError:
                    continue
                return port
        raise RuntimeError(f"no free port in {os.environ['PORTS']}")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def postgres_server_url() -> str:
    """Where PostgreSQL runs: DATABASE_URL's server when it is set, else the local one."""
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else DEFAULT_POSTGRES


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def postgres_admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(sql)


def postgres_reachable(url: str | None = None) -> bool:
    try:
        postgres_admin(url or postgres_server_url(), "SELECT 1")
    except Exception:
        return False
    return True


def _kill_group(proc: subprocess.Popen, sig=signal.SIGTERM, wait: float = 15) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        return
    try:
        proc.wait(wait)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(5)


_templates: dict[str, str] = {}  # db -> a freshly migrated database with the default content, to copy


def drop_templates() -> None:
    for db, template in list(_templates.items()):
        if db == "sqlite":
            Path(template).unlink(missing_ok=True)
        else:
            postgres_admin(postgres_server_url(), f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
        del _templates[db]


class Site:
    """One fresh database in a temp dir (or a dedicated PostgreSQL database), and the processes that use it."""

    def __init__(self, db: str = "sqlite", name: str = "bench", email_url: str = "dummymail://"):
        self.db = db
        WORK.mkdir(parents=True, exist_ok=True)
        self.dir = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=WORK))
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.server: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        if db == "sqlite":
            self.database_url = f"sqlite:///{self.dir / 'db.sqlite3'}"
        else:
            server = postgres_server_url()
            dbname = re.sub(r"\W", "_", f"stopss_{name}_{os.getpid()}").lower()
            postgres_admin(server, f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
            postgres_admin(server, f'CREATE DATABASE "{dbname}"')
            self.pg_server, self.pg_name = server, dbname
            self.database_url = with_database(server, dbname)
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "REDIS_URL", "PYTEST_CURRENT_TEST")},
            "DEBUG": "0",
            "SECRET_KEY": "bench-secret-key-not-for-production-0123456789abcdef",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": self.base,
            "DATABASE_URL": self.database_url,
            "EMAIL_URL": email_url,
            "LOG_LEVEL": "WARNING",
            # As behind a reverse proxy on the same machine: the load generator gives each request its own client address.
            "TRUSTED_PROXIES": "127.0.0.1",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        self.env.pop("HTTPS", None)
        if os.environ.get("BENCH_SETTINGS"):  # to try a setting without editing config/settings.py
            self.env["DJANGO_SETTINGS_MODULE"] = os.environ["BENCH_SETTINGS"]

    # --- commands ------------------------------------------------------------
    def manage(self, *args: str, timeout: float = 600) -> str:
        out = subprocess.run(
            [PYTHON, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout
        )
        if out.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}")
        return out.stdout

    def probe(self, *args: str, timeout: float = 1800) -> dict:
        """Run bench.probe in a child process with this site's settings; returns its JSON answer."""
        import json

        out = subprocess.run(
            [PYTHON, "-m", "bench.probe", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout
        )
        if out.returncode:
            raise RuntimeError(f"probe {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}")
        return json.loads(out.stdout.strip().splitlines()[-1])

    def prepare(self) -> None:
        """Migrate and load the default content; later sites copy the first one's fresh database."""
        template = _templates.get(self.db)
        if self.db == "sqlite":
            target = self.dir / "db.sqlite3"
            if template:
                shutil.copyfile(template, target)
                return
            self.manage("migrate", "--noinput", "-v0")
            self.manage("load_default_content")
            import sqlite3

            with sqlite3.connect(target) as conn:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            _templates["sqlite"] = str(WORK / f"template-{os.getpid()}.sqlite3")
            shutil.copyfile(target, _templates["sqlite"])
        else:
            if template:
                postgres_admin(self.pg_server, f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')
                postgres_admin(self.pg_server, f'CREATE DATABASE "{self.pg_name}" TEMPLATE "{template}"')
                return
            self.manage("migrate", "--noinput", "-v0")
            self.manage("load_default_content")
            _templates["postgres"] = f"stopss_template_{os.getpid()}"
            postgres_admin(self.pg_server, f'DROP DATABASE IF EXISTS "{_templates["postgres"]}" WITH (FORCE)')
            postgres_admin(self.pg_server, f'CREATE DATABASE "{_templates["postgres"]}" TEMPLATE "{self.pg_name}"')

    # --- processes -------------------------------------------------------------
    make_args: list[str] = []  # e.g. ["WORKERS=3"]: the Makefile's own knobs, for experiments
    ready_headers: dict[str, str] = {}  # e.g. X-Forwarded-Proto, for a site configured for HTTPS behind a proxy
    prefix: list[str] = []  # before the server's and worker's commands, e.g. ["taskset", "-c", "0"] (bench/capacity.py)

    def start_server(self) -> None:
        log = open(self.dir / "server.log", "ab")  # noqa: SIM115 - closed with the process
        # -o install: never let a benchmark run pip; `make serve` is otherwise run as documented.
        self.server = subprocess.Popen(
            [*self.prefix, "make", "-s", "-o", "install", "serve", f"PORT={self.port}", *self.make_args],
            cwd=ROOT,
            env={**self.env, "HOST": "127.0.0.1"},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                raise RuntimeError(f"server exited:\n{(self.dir / 'server.log').read_text()[-3000:]}")
            try:
                ready = urllib.request.Request(self.base + PETITION, headers=self.ready_headers)  # noqa: S310
                with urllib.request.urlopen(ready, timeout=2) as r:  # noqa: S310 - http://127.0.0.1
                    if r.status == 200:
                        # Each granian worker answers separately: a few requests warm both.
                        for _ in range(8):
                            urllib.request.urlopen(ready, timeout=5).read()  # noqa: S310
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        raise RuntimeError("server did not start in 120 s")

    def stop_server(self) -> None:
        if self.server:
            _kill_group(self.server)
            self.server = None

    def start_worker(self) -> None:
        log = open(self.dir / "worker.log", "ab")  # noqa: SIM115
        self.worker = subprocess.Popen(
            [*self.prefix, PYTHON, "manage.py", "worker"], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def stop_worker(self) -> None:
        if self.worker:
            _kill_group(self.worker, signal.SIGINT)
            self.worker = None

    def close(self, keep: bool = False) -> None:
        self.stop_worker()
        self.stop_server()
        if self.db != "sqlite":
            try:
                postgres_admin(self.pg_server, f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')
            except Exception as exc:  # the results matter more than the cleanup
                print(f"could not drop {self.pg_name}: {exc}", file=sys.stderr)
        if not keep:
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close(keep=exc[0] is not None)
