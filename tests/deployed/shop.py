"""Build the package, install it apart from the checkout and serve it with gunicorn, as deployed.

The wheel is built from the repository root and installed with `pip install --target` into a
folder of its own; every command (`storefront ...`, gunicorn) runs with PYTHONPATH set to that
folder and its working directory elsewhere, so what answers is the built package: a file the
wheel forgot (a template, a translation, a migration) fails here, not in production.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.error import URLError
from urllib.request import ProxyHandler, build_opener

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
LIMITS_REDIS_URL = "redis://127.0.0.1:6379/3"
DEMO_PRODUCTS = 40
START_SECONDS = 90
STOP_SECONDS = 20
# Settings a developer's shell may carry that must not reach the deployed shop.
INHERITED = ("DATABASE_URL", "PYTHONPATH", "FLASK_APP", "FLASK_DEBUG", "PUBLIC_URL", "PORT")


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(args: list[str], *, env: dict[str, str], cwd: Path, timeout: float = 300) -> str:
    """Run a command; its output, or a failure that shows the output."""
    done = subprocess.run(
        args, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"{' '.join(map(str, args))} exited {done.returncode}:\n{output}"
    return output


def build_and_install(work: Path) -> Path:
    """`pip wheel` the repository root, `pip install --target` the wheel; the install folder.

    setuptools builds in a folder of its own (DIST_EXTRA_CONFIG), so files left in the
    checkout's build/ by an earlier build cannot slip into this wheel.
    """
    scratch = work / "build"
    scratch.mkdir()
    (scratch / "setup.cfg").write_text(
        f"[build]\nbuild_base = {scratch / 'out'}\n[egg_info]\negg_base = {scratch}\n"
    )
    env = {**os.environ, "DIST_EXTRA_CONFIG": str(scratch / "setup.cfg")}
    wheels = work / "wheel"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    run([*pip, "wheel", "--no-deps", "-q", "-w", str(wheels), "."], env=env, cwd=ROOT)
    [wheel] = wheels.glob("storefront-*.whl")
    site = work / "site"
    run([*pip, "install", "--no-deps", "-q", "--target", str(site), str(wheel)], env=env, cwd=work)
    return site


@contextmanager
def fresh_database(work: Path) -> Iterator[str]:
    """An empty database: PostgreSQL when TEST_DATABASE_URL is set (dropped after), else SQLite."""
    admin_url = os.environ.get("TEST_DATABASE_URL", "")
    if not admin_url:
        yield f"sqlite:///{work / 'storefront.db'}"
        return
    admin_url = admin_url.replace("postgres://", "postgresql://", 1)
    admin_url = admin_url.replace("postgresql://", "postgresql+psycopg://", 1)
    name = f"storefront_deployed_{secrets.token_hex(5)}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def production_env(*, site: Path, database_url: str, port: int, stripe_url: str, work: Path):
    """The environment the shop runs with: production, behind one proxy, Stripe and Redis."""
    env = {name: value for name, value in os.environ.items() if name not in INHERITED}
    env.update(
        PYTHONPATH=str(site),
        STOREFRONT_ENV="production",
        SECRET_KEY=secrets.token_hex(48),
        DATABASE_URL=database_url,
        PUBLIC_URL=f"http://localhost:{port}",
        MEDIA_ROOT=str(work / "media"),
        RATELIMIT_STORAGE_URI=LIMITS_REDIS_URL,
        RATELIMIT_KEY_PREFIX=f"deployed-{secrets.token_hex(8)}",
        JOBS_STORAGE_URI=LIMITS_REDIS_URL,
        TRUSTED_PROXY_HOPS="1",
        PAYMENTS="stripe",
        STRIPE_SECRET_KEY="sk_test_fake",
        STRIPE_WEBHOOK_SECRET="whsec_fake",
        STRIPE_API_BASE=stripe_url,
    )
    return env


@dataclass
class Deployed:
    """The shop as deployed: its address, environment, database and gunicorn's log."""

    url: str
    env: dict[str, str] = field(repr=False)
    site: Path
    work: Path
    port: int
    engine: sa.Engine = field(repr=False)
    _taken: set[int] = field(default_factory=set, repr=False)

    @property
    def log(self) -> Path:
        """gunicorn's log: its errors and the access log."""
        return self.work / "gunicorn.log"

    def storefront(self, *args: str) -> str:
        """Run the built package's `storefront` command with the shop's environment."""
        return run([str(BIN / "storefront"), *args], env=self.env, cwd=self.work / "run")

    def python(self, code: str) -> str:
        """Run Python code the way the shop's processes start (same PYTHONPATH and folder)."""
        return run([sys.executable, "-c", code], env=self.env, cwd=self.work / "run").strip()

    def piece(self, *, stock: int = 2) -> dict:
        """An active piece with an English title and `stock` or more, no other test's."""
        query = sa.text(
            "SELECT id, slug, title_en, price_minor, stock FROM products "
            "WHERE status = 'active' AND stock >= :stock AND NOT made_to_order "
            "AND title_en IS NOT NULL AND title_en <> '' AND price_minor >= 1000 ORDER BY id"
        )
        with self.engine.connect() as conn:
            for row in conn.execute(query, {"stock": stock}).mappings():
                if row["id"] not in self._taken:
                    self._taken.add(row["id"])
                    return dict(row)
        raise AssertionError(f"the demo data has no more pieces with stock {stock}")

    def log_since(self, offset: int) -> str:
        """What gunicorn logged after `offset` bytes."""
        with self.log.open("rb") as handle:
            handle.seek(offset)
            return handle.read().decode("utf-8", "replace")


def wait_until_healthy(url: str, process: subprocess.Popen, log: Path) -> None:
    """Poll /healthz until it answers ok, the process dies, or the deadline passes."""
    opener = build_opener(ProxyHandler({}))
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited {process.returncode}:\n{log.read_text()}")
        try:
            with opener.open(f"{url}/healthz", timeout=5) as response:
                if response.status == 200 and b'"ok"' in response.read():
                    return
        except (URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)  # polling interval of a condition with a deadline, not a fixed wait
    raise AssertionError(f"/healthz did not answer within {START_SECONDS} s:\n{log.read_text()}")


@contextmanager
def gunicorn(shop: Deployed, *, port: int | None = None, log: Path | None = None) -> Iterator[str]:
    """Serve storefront.wsgi:app with two gunicorn workers; SIGTERM and wait at the end.

    On the shop's own port and log, or on another `port` with its own `log`: a second app
    server of the same shop (one database, one Redis). Yields the server's address.
    """
    port = port or shop.port
    log = log or shop.log
    command = [
        str(BIN / "gunicorn"),
        *("-w", "2", "-b", f"127.0.0.1:{port}"),
        *("--access-logfile", "-", "--graceful-timeout", "10"),
        "storefront.wsgi:app",
    ]
    url = f"http://localhost:{port}"
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, env=shop.env, cwd=shop.work / "run", stdout=out, stderr=subprocess.STDOUT
        )
    try:
        wait_until_healthy(url, process, log)
        yield url
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=STOP_SECONDS)
                stuck = f"gunicorn did not stop on SIGTERM:\n{log.read_text()}"
                raise AssertionError(stuck) from None
