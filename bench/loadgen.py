"""The load generator: wrk with ``post.lua``. No Python fallback on purpose:
a Python client on the same 2 cores would mostly measure itself."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

LUA = Path(__file__).resolve().parent / "post.lua"
INSTALL_HINT = (
    "wrk is not installed. On Debian/Ubuntu (as root):\n"
    "    apt-get update && apt-get install -y wrk\n"
    "then run the benchmark again."
)


class LoadgenMissing(RuntimeError):
    pass


def wrk_path() -> str:
    found = shutil.which("wrk")
    if not found:
        raise LoadgenMissing(INSTALL_HINT)
    return found


def wrk_version() -> str:
    done = subprocess.run([wrk_path(), "-v"], capture_output=True, text=True, timeout=10,
                          check=False)
    return (done.stdout or done.stderr).splitlines()[0].strip()


@dataclass(frozen=True)
class Load:
    duration_s: int
    connections: int
    threads: int
    headers: dict[str, str]
    body_file: Path


def run_wrk(url: str, load: Load) -> dict:
    """One wrk run; returns the summary printed by ``post.lua`` plus rps."""
    cmd = [wrk_path(), "-t", str(load.threads), "-c", str(load.connections),
           "-d", f"{load.duration_s}s", "--timeout", "5s", "-s", str(LUA)]
    for name, value in load.headers.items():
        cmd += ["-H", f"{name}: {value}"]
    cmd.append(url)
    env = {**os.environ, "BENCH_BODY_FILE": str(load.body_file)}
    done = subprocess.run(cmd, capture_output=True, text=True, env=env,
                          timeout=load.duration_s + 60, check=False)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("BENCH_JSON ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed (exit {done.returncode}):\n{done.stdout}\n{done.stderr}")
    result = json.loads(line.removeprefix("BENCH_JSON "))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["error_count"] = sum(result["errors"].values())
    return result
