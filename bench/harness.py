"""What the Python-driven benchmarks (login, certificates, flash crowd) share:
their ``main`` (signals, a temporary directory, cleanup, the results file) and
the set-up of a throw-away demo database with the app's environment."""

from __future__ import annotations

import contextlib
import json
import os
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
from pg import drop_database, ensure_database  # type: ignore[import-not-found]
from run import (  # type: ignore[import-not-found]
    REPO,
    RESULTS,
    app_env,
    app_source,
    resolve_rev,
    say,
    warn,
)
from scenarios import BenchEnv  # type: ignore[import-not-found]

Bench = Callable[[Any, Path, contextlib.ExitStack], dict[str, Any]]


def run_main(name: str, bench: Bench, args: Any) -> int:
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
        warn(f"\n[{name}] interrupted; server stopped")
        return 130
    except (RuntimeError, subprocess.SubprocessError, httpx.HTTPError) as exc:
        warn(f"[{name}] failed: {exc}")
        return 1
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"{name}-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    say(f"[{name}] {time.monotonic() - t0:.0f}s; results in {out.relative_to(REPO)}")
    return 0


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
    busy_before = busy_share()
    if busy_before is not None and busy_before > 0.2:
        say(f"[{name}] WARNING: the CPUs were {busy_before:.0%} busy before the run")
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
