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
import importlib.util
import json
import os
import shutil
import statistics
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from common import (
    BENCH,
    REPO,
    app_env,
    app_source,
    busy_warning,
    git_state,
    machine,
    resolve_rev,
    run_main,
    say,
    versions,
    warn,
)
from cpu import CpuMeter
from loadgen import Load, LoadgenMissing, run_wrk, wrk_path
from pg import drop_database, ensure_database
from scenarios import SCENARIOS, BenchEnv, Scenario
from servers import Server, free_port, http, serve, uvicorn_options, wait_ready

# A fixed request id: the app echoes it in ``extensions.requestId``, so the
# answer is byte-identical every time and the baseline can replay it.
REQUEST_ID = "bench-fixed-request-id"


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


@dataclass
class Prepared:
    """The run before any server starts: the app's environment and source, the
    request, and what the app is compared with (``ref``)."""

    scenario: Scenario
    env: dict[str, str]
    src: Path
    headers: dict[str, str]
    body: bytes
    body_file: Path
    ref: str  # "baseline", or "other" (the same app on --other-database-url)
    ref_env: dict[str, str]
    ref_headers: dict[str, str]
    started: datetime
    busy_before: float | None


def created_database(url: str, cleanup: contextlib.ExitStack) -> None:
    if ensure_database(url):
        say(f"[bench] created {url}; dropped at the end")
        cleanup.callback(drop_database, url)


def migrated(benv: BenchEnv, scenario: Scenario, *, other: bool = False) -> dict[str, str]:
    """Migrate ``benv``'s database and run the scenario's prepare: its headers."""
    say(f"[bench] migrating {benv.env['DATABASE_URL']}")
    benv.run_cli("migrate")
    if not scenario.prepare:
        return {}
    say("[bench] preparing data" + (" on the other database" if other else ""))
    return scenario.prepare(benv)


def prepare(args: argparse.Namespace, tmp: Path, cleanup: contextlib.ExitStack) -> Prepared:
    scenario = SCENARIOS[args.scenario]
    env = app_env(args, tmp, scenario)
    if args.keys_from:
        copy_keyring(args.keys_from, Path(env["FSREG_KEYS_DIR"]))
    started = datetime.now(UTC)
    busy_before = busy_warning("bench")
    args.at = resolve_rev(args.at)
    src = app_source(args.at, tmp, sys.executable, env)
    if args.database_url and args.database_url.rsplit("/", 1)[-1].startswith("fsreg_bench"):
        created_database(args.database_url, cleanup)
    benv = BenchEnv(python=sys.executable, repo=src, env=env, workdir=tmp)
    headers = {"Content-Type": "application/json", "X-Request-Id": REQUEST_ID,
               **migrated(benv, scenario)}
    ref, ref_env, ref_headers = "baseline", env, headers
    if args.other_database_url:
        ref, ref_env = "other", {**env, "DATABASE_URL": args.other_database_url}
        created_database(args.other_database_url, cleanup)
        other = BenchEnv(python=sys.executable, repo=src, env=ref_env, workdir=tmp)
        ref_headers = {**headers, **migrated(other, scenario, other=True)}
    body = scenario.body(benv)
    body_file = tmp / "request.json"
    body_file.write_bytes(body)
    return Prepared(scenario, env, src, headers, body, body_file, ref, ref_env, ref_headers,
                    started, busy_before)


def start_app(stack: contextlib.ExitStack, args: argparse.Namespace, run: Prepared,
              tmp: Path) -> tuple[Server, bytes]:
    """The app, and its answer (the same twice: the baseline replays it)."""
    port = free_port()
    app = stack.enter_context(serve("app", app_command(args, sys.executable, port), cwd=run.src,
                                    env=run.env, log_path=tmp / "app.log", port=port))
    wait_ready(app, workers=args.workers)
    answer = fetch(app, run.body, run.headers)
    check_answer(answer, run.scenario)
    if fetch(app, run.body, run.headers) != answer:
        raise RuntimeError("the app's answer differs between two fetches; the scenario "
                           "must be deterministic for the baseline to replay it")
    say(f"[bench] app ready on :{port}, answer {len(answer)} bytes")
    return app, answer


def start_reference(stack: contextlib.ExitStack, args: argparse.Namespace, run: Prepared,
                    tmp: Path, answer: bytes) -> Server:
    """The bare baseline replaying ``answer``, or the app on the other database; either
    must answer byte for byte what the app answered."""
    port = free_port()
    if run.ref == "other":
        command, cwd, env = app_command(args, sys.executable, port), run.src, run.ref_env
        differs = ("the app on the other database answers differently: the two databases "
                   "do not hold the same data for this query")
    else:
        answer_file = tmp / "answer.json"
        answer_file.write_bytes(answer)
        command = [sys.executable, "-m", "uvicorn", *uvicorn_options(port, args.workers),
                   "--app-dir", str(BENCH), "baseline_app:create_app"]
        cwd, env = REPO, {**run.env, "BENCH_BASELINE_BODY": str(answer_file)}
        differs = "the baseline does not replay the app's answer byte for byte"
    server = stack.enter_context(serve(run.ref, command, cwd=cwd, env=env,
                                       log_path=tmp / f"{run.ref}.log", port=port))
    wait_ready(server, workers=args.workers)
    if fetch(server, run.body, run.ref_headers) != answer:
        raise RuntimeError(differs)
    say(f"[bench] {run.ref} ready on :{port}")
    return server


def measure(args: argparse.Namespace, servers: dict[str, Server],
            headers: dict[str, dict[str, str]], body_file: Path) -> dict[str, list[dict]]:
    """Unrecorded warm-up, then ``rounds`` wrk legs per server, alternated."""
    def load(name: str, seconds: int) -> Load:
        return Load(seconds, args.connections, args.threads, headers[name], body_file)

    if args.warmup:
        for name, server in servers.items():
            run_wrk(server.url + "/graphql", load(name, args.warmup))
    legs: dict[str, list[dict]] = {name: [] for name in servers}
    meter = CpuMeter.for_groups(srv.proc.pid for srv in servers.values())
    for round_no in range(1, args.rounds + 1):
        for name, server in servers.items():
            meter.start()
            leg = run_wrk(server.url + "/graphql", load(name, args.duration))
            leg["cpu"] = meter.stop()
            legs[name].append(leg)
            say_leg(round_no, name, leg)
    return legs


def say_leg(round_no: int, name: str, leg: dict) -> None:
    others = f"{leg['cpu']['others']:.0%}" if leg["cpu"] else "?"
    db_cpu = f"  db CPU {leg['cpu']['db']:.0%}" if leg["cpu"] else ""
    say(f"[bench] round {round_no} {name:<8} {leg['rps']:>9.0f} req/s  "
        f"p50 {leg['latency_us']['p50'] / 1000:.2f} ms  "
        f"p99 {leg['latency_us']['p99'] / 1000:.2f} ms  "
        f"errors {leg['error_count']}  other CPU {others}{db_cpu}")


def ratios(summary: dict[str, dict], ref: str) -> dict[str, float]:
    app, base = summary["app"], summary[ref]
    return {"rps": app["rps"] / base["rps"], "p50": app["p50_ms"] / base["p50_ms"],
            "p99": app["p99_ms"] / base["p99_ms"]}


def run_settings(args: argparse.Namespace, scenario: Scenario) -> dict[str, object]:
    return {
        "duration_s": args.duration, "connections": args.connections,
        "workers": args.workers, "wrk_threads": args.threads, "rounds": args.rounds,
        "warmup_s": args.warmup,
        "database": "temporary SQLite" if not args.database_url else "given --database-url",
        "other_database": "given --other-database-url" if args.other_database_url else None,
        "redis": "in-process" if not args.redis_url else "given --redis-url",
        "keyring": "copied from --keys-from" if args.keys_from else "generated",
        "scenario_env": scenario.app_env,
        "uvicorn_options": uvicorn_options(0, args.workers),
    }


def bench(args: argparse.Namespace, tmp: Path, cleanup: contextlib.ExitStack) -> dict:
    run = prepare(args, tmp, cleanup)
    with contextlib.ExitStack() as stack:
        app, answer = start_app(stack, args, run, tmp)
        servers = {run.ref: start_reference(stack, args, run, tmp, answer), "app": app}
        headers = {run.ref: run.ref_headers, "app": run.headers}
        legs = measure(args, servers, headers, run.body_file)
        after_ok = all(fetch(s, run.body, headers[n]) == answer for n, s in servers.items())
        for server in servers.values():
            if server.proc.poll() is not None:
                raise RuntimeError(f"{server.name} died during the run:\n{server.log_tail()}")
        logs = {name: s.log_tail(50) for name, s in servers.items()}
        log_lines = {name: s.log_lines() for name, s in servers.items()}

    summary = {name: summarize(legs[name]) for name in legs}
    ratio = ratios(summary, run.ref)
    print_table(summary, ratio, run.ref)
    noisy = max(summary[n]["max_other_cpu"] for n in summary)
    if noisy > 0.1:
        say(f"[bench] WARNING: other work took up to {noisy:.0%} of the CPUs during a leg; "
            "compare the legs before trusting the ratio")
    if not after_ok:
        say("[bench] WARNING: an answer after the run differed from the one before it")
    return {
        "scenario": args.scenario,
        "description": run.scenario.description,
        "command": "python bench/run.py " + " ".join(sys.argv[1:]),
        "pythonpath": os.environ.get("PYTHONPATH"),
        "started_utc": run.started.isoformat(timespec="seconds"),
        "settings": run_settings(args, run.scenario),
        "app": args.app,
        "launcher": args.launcher,
        "reference": ("the same app on --other-database-url" if args.other_database_url
                      else "bare Starlette baseline"),
        # Tokens are left out: they are bearer credentials for the bench database.
        "request": {"body": run.body.decode(), "headers": {
            k: ("<token>" if k == "Authorization" else v) for k, v in run.headers.items()}},
        "answer_bytes": len(answer),
        "answers_identical_after_run": after_ok,
        "summary": summary,
        "ratio_app_over_baseline": ratio,  # over the reference (see "reference")
        "legs": legs,
        "machine": machine(),
        "cpu_busy_before": None if run.busy_before is None else round(run.busy_before, 3),
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
    return run_main(args.scenario, bench, args)


if __name__ == "__main__":
    sys.exit(main())
