"""What every benchmark shares: where things are, output, the app's environment and
source (the work tree or a commit), what a result records about the run, the
``main`` of a benchmark (signals, a temporary directory, cleanup, the results file)
and a throw-away demo database."""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
from cpu import busy_share  # type: ignore[import-not-found]
from loadgen import wrk_version  # type: ignore[import-not-found]
from pg import drop_database, ensure_database  # type: ignore[import-not-found]
from scenarios import BenchEnv  # type: ignore[import-not-found]

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
RESULTS = BENCH / "results"
# Settings the benchmark owns; inherited values would leak the caller's setup.
OWNED_ENV = ("APP_ENV", "DATABASE_URL", "REDIS_URL", "PORT")

Bench = Callable[[Any, Path, contextlib.ExitStack], dict[str, Any]]


def say(*parts: object) -> None:
    sys.stdout.write(" ".join(map(str, parts)) + "\n")
    sys.stdout.flush()


def warn(*parts: object) -> None:
    sys.stderr.write(" ".join(map(str, parts)) + "\n")


# -- the app: its environment and its source ---------------------------------------

def app_env(args: Any, tmp: Path, scenario: Any) -> dict[str, str]:
    """The app's environment: the caller's minus the app's settings, then the
    scenario's, a temporary var/keys dir, the database and store of ``args``."""
    env = {k: v for k, v in os.environ.items()
           if k not in OWNED_ENV and not k.startswith("FSREG_")}
    env.update(scenario.app_env)
    env.update({
        "APP_ENV": "test",
        "FSREG_VAR_DIR": str(tmp / "var"),
        "FSREG_KEYS_DIR": str(tmp / "keys"),
        "DATABASE_URL": args.database_url or f"sqlite://{tmp / 'bench.sqlite3'}",
        "PYTHONDONTWRITEBYTECODE": "1",
    })
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    return env


def resolve_rev(rev: str | None) -> str | None:
    """REV as a full commit id, resolved once at the start: HEAD may move while a
    run lasts (others commit), and the export and the recorded commit must agree."""
    if rev is None:
        return None
    done = subprocess.run(["git", "rev-parse", "--verify", f"{rev}^{{commit}}"], cwd=REPO,
                          capture_output=True, text=True, timeout=10, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"not a commit: {rev}")
    return done.stdout.strip()


def app_source(rev: str | None, tmp: Path, python: str, env: dict[str, str]) -> Path:
    """The directory the app runs from: the work tree, or REV exported to ``tmp``."""
    if rev is None:
        return REPO
    src = tmp / "src"
    src.mkdir()
    archive = subprocess.run(["git", "archive", "--format=tar", rev], cwd=REPO,
                             capture_output=True, timeout=60, check=False)
    if archive.returncode != 0:
        raise RuntimeError(f"git archive {rev} failed: {archive.stderr.decode()}")
    subprocess.run(["tar", "-x", "-C", str(src)], input=archive.stdout, timeout=60, check=True)
    # The venv holds an editable install of the work tree; make sure the
    # exported copy is what gets imported (the current directory comes first).
    where = subprocess.run([python, "-c", "import api; print(api.__file__)"], cwd=src, env=env,
                           capture_output=True, text=True, timeout=30, check=False).stdout
    if not where.startswith(str(src)):
        raise RuntimeError(f"api imports from {where.strip()!r}, not from the export {src}")
    return src


# -- what a result records about the run ---------------------------------------------

def versions() -> dict[str, str]:
    out = {"python": platform.python_version(), "wrk": wrk_version()}
    for dist in ("uvicorn", "starlette", "strawberry-graphql", "graphql-core", "uvloop",
                 "httptools", "tortoise-orm"):
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            out[dist] = importlib.metadata.version(dist)
    return out


def git_state(rev: str | None) -> dict[str, str | bool]:
    def git(*a: str) -> str:
        return subprocess.run(["git", *a], cwd=REPO, capture_output=True, text=True,
                              timeout=10, check=False).stdout.strip()
    if rev is not None:
        return {"commit": git("rev-parse", f"{rev}^{{commit}}"), "dirty": False}
    return {"commit": git("rev-parse", "HEAD"), "dirty": bool(git("status", "--porcelain"))}


def machine() -> dict[str, object]:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {"cpus": os.cpu_count(), "cpu_model": model, "platform": platform.platform()}


def busy_warning(name: str) -> float | None:
    """How busy the CPUs were before the run (warned about above 20 %)."""
    busy = busy_share()
    if busy is not None and busy > 0.2:
        say(f"[{name}] WARNING: the CPUs were {busy:.0%} busy before the run; other work "
            "on the machine skews the legs")
    return busy


# -- a benchmark's main ----------------------------------------------------------------

def run_main(name: str, bench: Bench, args: Any) -> int:
    """Run ``bench(args, tmp, cleanup)``; every server and database it started is
    stopped or dropped on exit, Ctrl-C, SIGTERM or error; the result goes to
    ``bench/results/<name>-<UTC time>.json``."""
    # Ctrl-C (even when started with SIGINT ignored, as `cmd &` in a script
    # is) and SIGTERM become exceptions, so the servers are stopped either way.
    def on_term(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, on_term)
    t0 = time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix=f"fsreg-bench-{name}-") as tmp, \
                contextlib.ExitStack() as cleanup:
            result = bench(args, Path(tmp), cleanup)
    except KeyboardInterrupt:
        warn(f"\n[{name}] interrupted; servers stopped")
        return 130
    except SystemExit:
        warn(f"[{name}] terminated; servers stopped")
        raise
    except (RuntimeError, subprocess.SubprocessError, httpx.HTTPError) as exc:
        warn(f"[{name}] failed: {exc}")
        return 1
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"{name}-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    say(f"[{name}] {time.monotonic() - t0:.0f}s; results in {out.relative_to(REPO)}")
    return 0


# -- a throw-away demo database ----------------------------------------------------------

def flush_redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url, socket_timeout=5)
    try:
        client.flushdb()
    finally:
        client.close()


@dataclass
class DemoRun:
    benv: BenchEnv
    db_url: str
    started: datetime
    busy_before: float | None


def demo_database(name: str, args: Any, tmp: Path, cleanup: contextlib.ExitStack,
                  extra_env: dict[str, str]) -> DemoRun:
    """A fresh ``fsreg_bench_<name>_<pid>`` database, migrated and seeded with the
    demo data, the app exported at ``args.at`` and its Redis database flushed;
    everything is dropped or flushed again by ``cleanup``."""
    started = datetime.now(UTC)
    busy_before = busy_warning(name)
    db_url = f"postgres://postgres@127.0.0.1:5432/fsreg_bench_{name}_{os.getpid()}"
    ns = SimpleNamespace(database_url=db_url, redis_url=args.redis_url)
    env = app_env(ns, tmp, SimpleNamespace(app_env=extra_env))
    python = sys.executable
    args.at = resolve_rev(args.at)
    benv = BenchEnv(python=python, repo=app_source(args.at, tmp, python, env), env=env,
                    workdir=tmp)
    flush_redis(args.redis_url)
    cleanup.callback(flush_redis, args.redis_url)
    ensure_database(db_url)
    cleanup.callback(drop_database, db_url)
    say(f"[{name}] {db_url}: migrate, seed --demo")
    benv.run_cli("migrate")
    benv.run_cli("seed", "--demo")
    return DemoRun(benv, db_url, started, busy_before)
