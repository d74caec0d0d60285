"""The benchmark's servers: gunicorn on a free 127.0.0.1 port, stopped however the run ends."""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

BIN = Path(sys.executable).parent
# Talk to 127.0.0.1 directly even when the environment names an HTTP proxy.
HTTP = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def stop_on_signals() -> None:
    """Turn SIGTERM and SIGHUP into KeyboardInterrupt, so the servers' `finally` blocks run."""

    def stop(signum, frame) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGHUP, stop)


def _die_with_parent() -> None:
    # Runs in the child before exec: if this script is killed outright, the server gets SIGTERM.
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, proc: subprocess.Popen, app: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            HTTP.open(url + "/", timeout=5).read()
            return
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError(f"{app} did not start") from None
            time.sleep(0.2)  # polling a starting server, not timing a test


@contextmanager
def gunicorn(app: str, env: dict[str, str], cwd: Path):
    """Serve `app` with 2 sync workers; yields its base URL; stops it (SIGKILL after 15 s)."""
    port = _free_port()
    command = [str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}"]
    command += ["--log-level", "warning", "--graceful-timeout", "5", app]
    proc = subprocess.Popen(
        command, env=env, cwd=str(cwd), start_new_session=True, preexec_fn=_die_with_parent
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, proc, app)
        yield url
    finally:
        proc.terminate()  # the master stops its workers gracefully
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


def fetch(url: str) -> int:
    """The page's size in bytes; raises unless it is a 200 HTML page."""
    with HTTP.open(url, timeout=10) as response:
        body = response.read()
        kind = response.headers.get("Content-Type", "")
    if not kind.startswith("text/html"):
        raise RuntimeError(f"{url} answered {kind}")
    return len(body)
