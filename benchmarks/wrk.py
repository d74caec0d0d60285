"""wrk, the HTTP load generator: finding or installing it, running it, reading its report."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

WRK_ARGS = ["-t2", "--timeout", "5s"]
CONNECTIONS = 16
PATHS_SCRIPT = Path(__file__).with_name("paths.lua")


@dataclass
class Load:
    """What wrk measured on one URL (or on random paths of a paths file)."""

    rps: float
    p50: float
    p99: float
    errors: str
    # Answers 4xx and 5xx, counted by paths.lua; None when the run used no paths file.
    client_errors: int | None = None
    server_errors: int | None = None


def write_paths(paths: Iterable[str], dest: Path) -> Path:
    """Write the paths for paths.lua, one a line, percent-encoded so each is plain ASCII."""
    dest.write_text("".join(quote(path, safe="/?=&") + "\n" for path in paths))
    return dest


def ensure_wrk() -> str:
    """The wrk binary; installed from Debian's packages when missing and running as root."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        print("installing wrk from Debian's packages", flush=True)
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, timeout=300)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env, timeout=300)
        found = shutil.which("wrk")
        if found:
            return found
    sys.exit("make bench needs wrk: apt-get install wrk")


def run_wrk(
    wrk: str,
    url: str,
    seconds: int,
    *,
    connections: int = CONNECTIONS,
    paths: Path | None = None,
    headers: Iterable[str] = (),
) -> Load:
    """Warm up for 2 s, then load url for `seconds` with latency percentiles.

    With `paths` (a file from write_paths), each request GETs a random one of them on url's
    server; `headers` ("Name: value") go with every request.
    """
    options = [*WRK_ARGS, f"-c{connections}"]
    for header in headers:
        options += ["-H", header]
    if paths:
        options += ["-s", str(PATHS_SCRIPT)]
    target = [url, "--", str(paths)] if paths else [url]  # the script's argument follows url
    warm_up = [wrk, *options, "-d2s", *target]
    subprocess.run(warm_up, check=True, capture_output=True, timeout=30)
    out = subprocess.run(
        [wrk, *options, f"-d{seconds}s", "--latency", *target],
        check=True,
        capture_output=True,
        text=True,
        timeout=seconds + 30,
    ).stdout
    return parse_wrk(out)


def parse_wrk(out: str) -> Load:
    """Requests per second, p50 and p99 in ms, and any errors from `wrk --latency` output."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def percentile(name: str) -> float:
        value, unit = re.search(rf"^\s+{name}%\s+([\d.]+)(us|ms|s)\b", out, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    errors = []
    if found := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out):
        errors.append(f"{found.group(1)} non-2xx")
    if found := re.search(r"Socket errors:(.*)", out):
        errors.append("socket errors:" + found.group(1))
    load = Load(rps, percentile("50"), percentile("99"), "; ".join(errors))
    if found := re.search(r"^answers: 4xx=(\d+) 5xx=(\d+)$", out, re.M):
        load.client_errors, load.server_errors = int(found.group(1)), int(found.group(2))
    return load
