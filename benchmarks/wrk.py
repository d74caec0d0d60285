"""wrk, the HTTP load generator: finding or installing it, running it, reading its report."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass

WRK_ARGS = ["-t2", "-c16", "--timeout", "5s"]


@dataclass
class Load:
    """What wrk measured on one URL."""

    rps: float
    p50: float
    p99: float
    errors: str


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


def run_wrk(wrk: str, url: str, seconds: int) -> Load:
    """Warm up for 2 s, then load url for `seconds` with latency percentiles."""
    subprocess.run([wrk, *WRK_ARGS, "-d2s", url], check=True, capture_output=True, timeout=30)
    out = subprocess.run(
        [wrk, *WRK_ARGS, f"-d{seconds}s", "--latency", url],
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
    return Load(rps, percentile("50"), percentile("99"), "; ".join(errors))
