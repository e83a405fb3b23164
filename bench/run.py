"""Benchmark one scenario against a bare-Starlette baseline, on loopback.

    .venv/bin/python bench/run.py platform [--duration 10] [--connections 32] [--workers 1]

One run: a temporary var/keys dir and SQLite database (or --database-url /
--redis-url), ``python -m api migrate``, the scenario's ``prepare``, the app
under uvicorn; one fetch of the scenario's answer; a bare Starlette app
(``baseline_app.py``) under the same uvicorn options replaying those bytes;
then wrk against both, alternating (baseline, app, baseline, app, ...), and
the app/baseline ratios. Results go to ``bench/results/<scenario>-<UTC
time>.json``. Every subprocess is stopped on exit, Ctrl-C or error.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import importlib.util
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from cpu import CpuMeter, busy_share
from loadgen import Load, LoadgenMissing, run_wrk, wrk_path, wrk_version
from pg import drop_database, ensure_database
from scenarios import SCENARIOS, BenchEnv, Scenario
from servers import Server, free_port, http, serve, uvicorn_options, wait_ready

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
RESULTS = BENCH / "results"
# A fixed request id: the app echoes it in ``extensions.requestId``, so the
# answer is byte-identical every time and the baseline can replay it.
REQUEST_ID = "bench-fixed-request-id"
# Settings the benchmark owns; inherited values would leak the caller's setup.
OWNED_ENV = ("APP_ENV", "DATABASE_URL", "REDIS_URL", "PORT")


def say(*parts: object) -> None:
    sys.stdout.write(" ".join(map(str, parts)) + "\n")
    sys.stdout.flush()


def warn(*parts: object) -> None:
    sys.stderr.write(" ".join(map(str, parts)) + "\n")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("scenario", choices=sorted(SCENARIOS))
    p.add_argument("--duration", type=int, default=10, help="seconds per measured leg")
    p.add_argument("--connections", type=int, default=32)
    p.add_argument("--workers", type=int, default=1, help="uvicorn workers, for both servers")
    p.add_argument("--threads", type=int, default=1, help="wrk threads (the machine has few "
                   "cores; wrk shares them with the servers)")
    p.add_argument("--rounds", type=int, default=2,
                   help="baseline/app pairs, alternated to cancel drift")
    p.add_argument("--warmup", type=int, default=2, help="seconds of unrecorded load per server")
    p.add_argument("--database-url", help="e.g. postgres://... (default: temporary SQLite); "
                   "an fsreg_bench* database that does not exist is created, and dropped "
                   "at the end")
    p.add_argument("--redis-url", help="e.g. redis://127.0.0.1:6379/8 (default: in-process)")
    p.add_argument("--keys-from", metavar="DIR", type=Path,
                   help="copy DIR/keyring.json into the run's key directory instead of "
                   "generating one: needed to read a register seeded earlier with that ring")
    p.add_argument("--other-database-url", metavar="URL",
                   help="compare the app with itself on another database (e.g. a small "
                   "register against a large one) instead of with the bare baseline; an "
                   "fsreg_bench* database that does not exist is created, and dropped at "
                   "the end")
    p.add_argument("--app", default="api.app:create_app", metavar="MODULE:FACTORY",
                   help="the app factory to serve (an experiment module can wrap "
                   "api.app; put its folder on PYTHONPATH)")
    p.add_argument("--launcher", choices=("uvicorn", "serve"), default="uvicorn",
                   help="start the app with the same uvicorn command line as the baseline "
                   "(default), or with `python -m api serve` as deployed (its own logging "
                   "and uvicorn settings; the baseline stays on the uvicorn command line)")
    p.add_argument("--at", metavar="REV", help="benchmark the app as committed at REV "
                   "(exported with git archive) instead of the working tree")
    args = p.parse_args(argv)
    if min(args.duration, args.connections, args.workers, args.threads, args.rounds) < 1:
        p.error("duration, connections, workers, threads and rounds must be >= 1")
    if args.threads > args.connections:
        p.error("--threads must not exceed --connections")
    return args


def app_env(args: argparse.Namespace, tmp: Path, scenario: Scenario) -> dict[str, str]:
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


def app_command(args: argparse.Namespace, python: str, port: int) -> list[str]:
    if args.launcher == "serve":
        if args.app != "api.app:create_app":
            raise RuntimeError("--launcher serve always serves api.app:create_app")
        return [python, "-m", "api", "serve", "--host", "127.0.0.1", "--port", str(port),
                "--workers", str(args.workers)]
    return [python, "-m", "uvicorn", *uvicorn_options(port, args.workers), args.app]


def fetch(server: Server, body: bytes, headers: dict[str, str]) -> bytes:
    status, answer = http("POST", server.url + "/graphql", body, headers)
    if status != 200:
        raise RuntimeError(f"{server.name} answered {status}: {answer[:500]!r}")
    return answer


def check_answer(answer: bytes, scenario: Scenario) -> None:
    doc = json.loads(answer)
    if doc.get("errors") or not doc.get("data"):
        raise RuntimeError(f"the scenario's query fails: {answer[:500]!r}")
    if scenario.check:
        scenario.check(doc)


def copy_keyring(source_dir: Path, keys_dir: Path) -> None:
    source = source_dir / "keyring.json"
    if not source.is_file():
        raise RuntimeError(f"no keyring.json in {source_dir}")
    keys_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, keys_dir / "keyring.json")
    (keys_dir / "keyring.json").chmod(0o600)


def summarize(legs: list[dict]) -> dict:
    requests = sum(leg["requests"] for leg in legs)
    seconds = sum(leg["duration_us"] for leg in legs) / 1e6
    return {
        "rps": requests / seconds,
        "rps_per_leg": [round(leg["rps"], 1) for leg in legs],
        "p50_ms": statistics.median(leg["latency_us"]["p50"] for leg in legs) / 1000,
        "p99_ms": statistics.median(leg["latency_us"]["p99"] for leg in legs) / 1000,
        "max_ms": max(leg["latency_us"]["max"] for leg in legs) / 1000,
        "max_other_cpu": max((leg["cpu"] or {}).get("others", 0.0) for leg in legs),
        "max_db_cpu": max((leg["cpu"] or {}).get("db", 0.0) for leg in legs),
        "requests": requests,
        "errors": sum(leg["error_count"] for leg in legs),
    }


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


def print_table(summary: dict[str, dict], ratio: dict[str, float], ref: str) -> None:
    say(f"\n{'server':<10}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}"
        f"{'errors':>8}{'other CPU':>11}{'db CPU':>8}  req/s per leg")
    for name in (ref, "app"):
        s = summary[name]
        say(f"{name:<10}{s['rps']:>10.0f}{s['p50_ms']:>9.2f}{s['p99_ms']:>9.2f}"
            f"{s['max_ms']:>9.1f}{s['errors']:>8}{s['max_other_cpu']:>11.0%}"
            f"{s['max_db_cpu']:>8.0%}  "
            f"{s['rps_per_leg']}")
    say(f"app/{ref}: req/s {ratio['rps']:.3f}, p50 {ratio['p50']:.2f}x, "
        f"p99 {ratio['p99']:.2f}x")


def bench(args: argparse.Namespace, tmp: Path, cleanup: contextlib.ExitStack) -> dict:
    scenario = SCENARIOS[args.scenario]
    python = sys.executable
    env = app_env(args, tmp, scenario)
    if args.keys_from:
        copy_keyring(args.keys_from, Path(env["FSREG_KEYS_DIR"]))
    # The reference: the bare baseline, or the same app on another database.
    ref = "other" if args.other_database_url else "baseline"
    started = datetime.now(UTC)
    busy_before = busy_share()
    if busy_before is not None and busy_before > 0.2:
        say(f"[bench] WARNING: the CPUs were {busy_before:.0%} busy before the run; other "
            "work on the machine skews the legs (the ratio only partly cancels it)")

    args.at = resolve_rev(args.at)
    src = app_source(args.at, tmp, python, env)
    if args.database_url and args.database_url.rsplit("/", 1)[-1].startswith("fsreg_bench") \
            and ensure_database(args.database_url):
        say(f"[bench] created {args.database_url}; dropped at the end")
        cleanup.callback(drop_database, args.database_url)
    say(f"[bench] migrating {env['DATABASE_URL']}")
    benv = BenchEnv(python=python, repo=src, env=env, workdir=tmp)
    benv.run_cli("migrate")
    headers = {"Content-Type": "application/json", "X-Request-Id": REQUEST_ID}
    if scenario.prepare:
        say("[bench] preparing data")
        headers.update(scenario.prepare(benv))
    ref_headers = headers
    if args.other_database_url:
        other_env = {**env, "DATABASE_URL": args.other_database_url}
        if ensure_database(args.other_database_url):
            say(f"[bench] created {args.other_database_url}; dropped at the end")
            cleanup.callback(drop_database, args.other_database_url)
        say(f"[bench] migrating {args.other_database_url}")
        other = BenchEnv(python=python, repo=src, env=other_env, workdir=tmp)
        other.run_cli("migrate")
        ref_headers = dict(headers)
        if scenario.prepare:
            say("[bench] preparing data on the other database")
            ref_headers.update(scenario.prepare(other))
    body = scenario.body(benv)
    body_file = tmp / "request.json"
    body_file.write_bytes(body)

    uvicorn = [python, "-m", "uvicorn"]
    app_port, base_port = free_port(), free_port()
    with contextlib.ExitStack() as stack:
        app = stack.enter_context(serve(
            "app", app_command(args, python, app_port), cwd=src, env=env,
            log_path=tmp / "app.log", port=app_port))
        wait_ready(app, workers=args.workers)
        answer = fetch(app, body, headers)
        check_answer(answer, scenario)
        if fetch(app, body, headers) != answer:
            raise RuntimeError("the app's answer differs between two fetches; the scenario "
                               "must be deterministic for the baseline to replay it")
        answer_file = tmp / "answer.json"
        answer_file.write_bytes(answer)
        say(f"[bench] app ready on :{app_port}, answer {len(answer)} bytes")

        if args.other_database_url:
            baseline = stack.enter_context(serve(
                ref, app_command(args, python, base_port), cwd=src, env=other_env,
                log_path=tmp / "other.log", port=base_port))
            wait_ready(baseline, workers=args.workers)
            if fetch(baseline, body, ref_headers) != answer:
                raise RuntimeError("the app on the other database answers differently: the "
                                   "two databases do not hold the same data for this query")
        else:
            base_env = {**env, "BENCH_BASELINE_BODY": str(answer_file)}
            baseline = stack.enter_context(serve(
                "baseline", [*uvicorn, *uvicorn_options(base_port, args.workers), "--app-dir",
                             str(BENCH), "baseline_app:create_app"],
                cwd=REPO, env=base_env, log_path=tmp / "baseline.log", port=base_port))
            wait_ready(baseline, workers=args.workers)
            if fetch(baseline, body, headers) != answer:
                raise RuntimeError("the baseline does not replay the app's answer byte for byte")
        say(f"[bench] {ref} ready on :{base_port}")

        servers = {ref: baseline, "app": app}
        server_headers = {ref: ref_headers, "app": headers}
        if args.warmup:
            for name, server in servers.items():
                run_wrk(server.url + "/graphql", Load(args.warmup, args.connections,
                                                      args.threads, server_headers[name],
                                                      body_file))
        legs: dict[str, list[dict]] = {ref: [], "app": []}
        meter = CpuMeter.for_groups(srv.proc.pid for srv in servers.values())
        for round_no in range(1, args.rounds + 1):
            for name, server in servers.items():
                load = Load(args.duration, args.connections, args.threads, server_headers[name],
                            body_file)
                meter.start()
                leg = run_wrk(server.url + "/graphql", load)
                leg["cpu"] = meter.stop()
                legs[name].append(leg)
                others = f"{leg['cpu']['others']:.0%}" if leg["cpu"] else "?"
                db_cpu = f"  db CPU {leg['cpu']['db']:.0%}" if leg["cpu"] else ""
                say(f"[bench] round {round_no} {name:<8} {leg['rps']:>9.0f} req/s  "
                    f"p50 {leg['latency_us']['p50'] / 1000:.2f} ms  "
                    f"p99 {leg['latency_us']['p99'] / 1000:.2f} ms  "
                    f"errors {leg['error_count']}  other CPU {others}{db_cpu}")

        after_ok = all(fetch(s, body, server_headers[n]) == answer for n, s in servers.items())
        for server in servers.values():
            if server.proc.poll() is not None:
                raise RuntimeError(f"{server.name} died during the run:\n{server.log_tail()}")
        logs = {name: s.log_tail(50) for name, s in servers.items()}
        log_lines = {name: s.log_lines() for name, s in servers.items()}

    summary = {name: summarize(legs[name]) for name in legs}
    ratio = {
        "rps": summary["app"]["rps"] / summary[ref]["rps"],
        "p50": summary["app"]["p50_ms"] / summary[ref]["p50_ms"],
        "p99": summary["app"]["p99_ms"] / summary[ref]["p99_ms"],
    }
    print_table(summary, ratio, ref)
    noisy = max(summary[n]["max_other_cpu"] for n in summary)
    if noisy > 0.1:
        say(f"[bench] WARNING: other work took up to {noisy:.0%} of the CPUs during a leg; "
            "compare the legs before trusting the ratio")
    if not after_ok:
        say("[bench] WARNING: an answer after the run differed from the one before it")
    return {
        "scenario": args.scenario,
        "description": scenario.description,
        "command": "python bench/run.py " + " ".join(sys.argv[1:]),
        "pythonpath": os.environ.get("PYTHONPATH"),
        "started_utc": started.isoformat(timespec="seconds"),
        "settings": {
            "duration_s": args.duration, "connections": args.connections,
            "workers": args.workers, "wrk_threads": args.threads, "rounds": args.rounds,
            "warmup_s": args.warmup,
            "database": "temporary SQLite" if not args.database_url else "given --database-url",
            "other_database": "given --other-database-url" if args.other_database_url else None,
            "redis": "in-process" if not args.redis_url else "given --redis-url",
            "keyring": "copied from --keys-from" if args.keys_from else "generated",
            "scenario_env": scenario.app_env,
            "uvicorn_options": uvicorn_options(0, args.workers),
        },
        "app": args.app,
        "launcher": args.launcher,
        "reference": ("the same app on --other-database-url" if args.other_database_url
                      else "bare Starlette baseline"),
        # Tokens are left out: they are bearer credentials for the bench database.
        "request": {"body": body.decode(), "headers": {
            k: ("<token>" if k == "Authorization" else v) for k, v in headers.items()}},
        "answer_bytes": len(answer),
        "answers_identical_after_run": after_ok,
        "summary": summary,
        "ratio_app_over_baseline": ratio,  # over the reference (see "reference")
        "legs": legs,
        "machine": machine(),
        "cpu_busy_before": None if busy_before is None else round(busy_before, 3),
        "versions": versions(),
        "app_source": f"git archive {args.at}" if args.at else "working tree",
        "git": git_state(args.at),
        "server_log_lines": log_lines,
        "server_log_tails": logs,
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        wrk_path()
    except LoadgenMissing as exc:
        warn(exc)
        return 3
    if importlib.util.find_spec("uvicorn") is None:
        warn("uvicorn is not importable by this Python; run with the project's venv: "
             ".venv/bin/python bench/run.py ...")
        return 3

    # Ctrl-C (even when started with SIGINT ignored, as `cmd &` in a script
    # is) and SIGTERM become exceptions, so the servers are stopped either way.
    def on_term(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, on_term)

    t0 = time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix="fsreg-bench-") as tmp, \
                contextlib.ExitStack() as cleanup:
            result = bench(args, Path(tmp), cleanup)
    except KeyboardInterrupt:
        warn("\n[bench] interrupted; servers stopped")
        return 130
    except SystemExit:
        warn("[bench] terminated; servers stopped")
        raise
    except (RuntimeError, subprocess.SubprocessError) as exc:
        warn(f"[bench] failed: {exc}")
        return 1
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS / f"{args.scenario}-{stamp}.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    say(f"[bench] {time.monotonic() - t0:.0f}s; results in {out.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
