"""Certificate issue latency on loopback against the raw page build + signature (issue 5).

    .venv/bin/python bench/certs.py --at HEAD [--workers 1] [--issues 30] [--concurrency 1,4]

wrk cannot drive an issue: every call needs its own idempotency key (a repeated
key answers the first certificate again without building anything). So a small
asyncio + httpx driver sends a bounded number of

    mutation { issueCertificate(input: {kind: HOLDINGS, purpose: SCHOOL_ENROLMENT,
      idempotencyKey: "<unique>"}) { __typename ... on CertificateIssued { certificate { number } } } }

with an L2 token for the demo citizen 陈志强 (3 properties), and requires
``CertificateIssued`` with a new number every time.

One run:

1. A temporary key ring and var dir; a PostgreSQL database
   ``fsreg_bench_cert_<pid>`` created, migrated, ``seed --demo``, dropped at the
   end; the token minted in-process (``cert_inproc.py``, mode ``token``).
   ``--redis-url`` (default database 12) is flushed at the start and the end:
   it must be one only this benchmark uses.
2. Raw baseline (``cert_inproc.py``, mode ``raw``, before and after the server
   legs): ``render_certificate`` on the content the app builds for 陈志强 (3
   rows) + ``LocalSealProvider(tmpdir).sign_pdf``, each off the event loop as
   the app does it, ``--issues`` times at each concurrency; the first run also
   times ``--breakdown`` in-process ``certificates.issue`` calls step by step.
3. The app under uvicorn (``--workers``), 3 unrecorded issues, then
   ``--issues`` issues at each concurrency.

Results go to ``bench/results/certs-<UTC time>.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import statistics
import sys
import time
import uuid
from pathlib import Path

import httpx
from common import BENCH, demo_database, git_state, machine, run_main, say, versions, warn
from cpu import CpuMeter
from login import pct
from scenarios import BenchEnv
from servers import free_port, serve, uvicorn_options, wait_ready

ISSUE = ('mutation { issueCertificate(input: {kind: HOLDINGS, purpose: SCHOOL_ENROLMENT, '
         'idempotencyKey: "%s"}) { __typename ... on CertificateIssued { certificate '
         '{ number } } } }')
STEPS = ("register_read", "access_log_and_audit", "holdings_of", "render", "sign", "insert_tx")


def stats(latencies: list[float], wall_s: float) -> dict:
    return {"n": len(latencies), "p50_ms": pct(latencies, 50), "p99_ms": pct(latencies, 99),
            "max_ms": max(latencies) * 1000, "mean_ms": statistics.fmean(latencies) * 1000,
            "per_s": len(latencies) / wall_s}


class Driver:
    def __init__(self, url: str, token: str, run_id: str) -> None:
        self.url = url + "/graphql"
        self.run_id = run_id
        self.n = 0
        self.numbers: set[str] = set()
        self.client = httpx.AsyncClient(
            timeout=60, limits=httpx.Limits(max_connections=16),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})

    async def issue(self) -> float:
        n, self.n = self.n, self.n + 1
        body = {"query": ISSUE % f"bench-{self.run_id}-{n}"}
        t0 = time.perf_counter()
        r = await self.client.post(self.url, json=body)
        elapsed = time.perf_counter() - t0
        r.raise_for_status()
        doc = r.json()
        if doc.get("errors"):
            raise RuntimeError(f"GraphQL errors: {doc['errors']}")
        res = doc["data"]["issueCertificate"]
        if res["__typename"] != "CertificateIssued":
            raise RuntimeError(f"issueCertificate: {res}")
        number = res["certificate"]["number"]
        if number in self.numbers:
            raise RuntimeError(f"certificate {number} answered twice (idempotency key reused?)")
        self.numbers.add(number)
        return elapsed

    async def batch(self, count: int, concurrency: int) -> dict:
        latencies: list[float] = []
        todo = iter(range(count))

        async def runner() -> None:
            for _ in todo:
                latencies.append(await self.issue())

        t0 = time.perf_counter()
        await asyncio.gather(*(runner() for _ in range(concurrency)))
        return {"latencies_s": latencies, "wall_s": time.perf_counter() - t0}

    async def close(self) -> None:
        await self.client.aclose()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--workers", type=int, default=1, help="uvicorn workers")
    p.add_argument("--issues", type=int, default=30, help="issues per measured leg")
    p.add_argument("--concurrency", default="1,4", help="comma-separated levels")
    p.add_argument("--breakdown", type=int, default=20,
                   help="in-process certificates.issue calls timed step by step (0: none)")
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/9",
                   help="a Redis database for this benchmark only: flushed at start and end")
    p.add_argument("--at", metavar="REV", help="benchmark the app as committed at REV")
    args = p.parse_args(argv)
    args.levels = [int(x) for x in args.concurrency.split(",")]
    if min(args.workers, args.issues, *args.levels) < 1 or args.breakdown < 0:
        p.error("counts must be >= 1")
    if args.issues > 200 or args.breakdown > 200:
        p.error("keep it bounded: at most 200 issues per leg")
    if not args.redis_url.startswith("redis://127.0.0.1") or args.redis_url.endswith("/0"):
        p.error("--redis-url: a loopback Redis database other than 0 (it gets flushed)")
    return args


def raw_baseline(args: argparse.Namespace, benv: BenchEnv, breakdown: int) -> dict:
    spec = {"mode": "raw", "count": args.issues, "concurrency": args.levels,
            "breakdown": breakdown}
    meter = CpuMeter.for_groups([])
    meter.start()
    out = json.loads(benv.run_python(BENCH / "cert_inproc.py", json.dumps(spec), timeout=900))
    out["cpu"] = meter.stop()
    return out


def bench(args: argparse.Namespace, tmp: Path, cleanup: contextlib.ExitStack) -> dict:
    run = demo_database("cert", args, tmp, cleanup, {"FSREG_ACCESS_TOKEN_TTL_SECONDS": "7200"})
    benv, started, busy_before = run.benv, run.started, run.busy_before
    python = sys.executable
    token = json.loads(benv.run_python(BENCH / "cert_inproc.py",
                                       json.dumps({"mode": "token"})))["access_token"]

    say(f"[certs] raw baseline 1: render + sign, {args.issues} at concurrency {args.levels}; "
        f"{args.breakdown} in-process issues timed by step")
    raw = [raw_baseline(args, benv, args.breakdown)]

    port = free_port()
    app_cmd = [python, "-m", "uvicorn", *uvicorn_options(port, args.workers),
               "api.app:create_app"]
    legs: dict[str, list[dict]] = {str(c): [] for c in args.levels}
    run_id = uuid.uuid4().hex[:12]
    with serve("app", app_cmd, cwd=benv.repo, env=benv.env, log_path=tmp / "app.log", port=port) as app:
        wait_ready(app, workers=args.workers)
        meter = CpuMeter.for_groups([app.proc.pid])

        async def server_legs() -> None:
            driver = Driver(app.url, token, run_id)
            try:
                await driver.batch(3 * args.workers, args.workers)  # unrecorded warm-up
                for level in args.levels:
                    meter.start()
                    leg = await driver.batch(args.issues, level)
                    leg["cpu"] = meter.stop()
                    legs[str(level)].append(leg)
                    s = stats(leg["latencies_s"], leg["wall_s"])
                    cpu = leg["cpu"] or {}
                    say(f"[certs] {args.issues} issues at concurrency {level}: "
                        f"p50 {s['p50_ms']:.0f} ms p99 {s['p99_ms']:.0f} ms "
                        f"{s['per_s']:.2f}/s  other CPU {cpu.get('others', 0):.0%}  "
                        f"db CPU {cpu.get('db', 0):.0%}")
            finally:
                await driver.close()

        try:
            asyncio.run(server_legs())
        except BaseException:
            warn(f"[certs] app log tail:\n{app.log_tail(40)}")
            raise
        if app.proc.poll() is not None:
            raise RuntimeError(f"the app died:\n{app.log_tail()}")
        app_log_tail, app_log_lines = app.log_tail(30), app.log_lines()

    say("[certs] raw baseline 2")
    raw.append(raw_baseline(args, benv, 0))

    summary: dict[str, dict] = {}
    for level in args.levels:
        key = str(level)
        lat = [x for leg in legs[key] for x in leg["latencies_s"]]
        wall = sum(leg["wall_s"] for leg in legs[key])
        raw_lat = [x for r in raw for x in r["legs"][key]["latencies_s"]]
        raw_wall = sum(r["legs"][key]["wall_s"] for r in raw)
        s = {"issue": stats(lat, wall), "raw": stats(raw_lat, raw_wall),
             "raw_per_run": [stats(r["legs"][key]["latencies_s"], r["legs"][key]["wall_s"])
                             for r in raw],
             "other_cpu": max((leg["cpu"] or {}).get("others", 0.0) for leg in legs[key]),
             # The raw runs' meter has no group of its own: its "others" include the
             # raw process itself, so only a large "ours" + "others" excess means noise.
             "raw_cpu": [r["cpu"] for r in raw]}
        s["ratio"] = {"p50": s["issue"]["p50_ms"] / s["raw"]["p50_ms"],
                      "p99": s["issue"]["p99_ms"] / s["raw"]["p99_ms"],
                      "per_s": s["issue"]["per_s"] / s["raw"]["per_s"]}
        summary[key] = s
    runs = raw[0].get("breakdown") or []
    breakdown = {name: {"p50_ms": pct([r.get(name, 0.0) for r in runs], 50),
                        "mean_ms": statistics.fmean(r.get(name, 0.0) for r in runs) * 1000}
                 for name in ("total", *STEPS)} if runs else {}

    say(f"\n{'level':>5} {'issue p50':>10} {'p99':>7} {'/s':>6} | {'raw p50':>8} {'p99':>7} "
        f"{'/s':>6} | ratio p50 p99 /s | other CPU")
    for key, s in summary.items():
        i, r, q = s["issue"], s["raw"], s["ratio"]
        say(f"{key:>5} {i['p50_ms']:>10.0f} {i['p99_ms']:>7.0f} {i['per_s']:>6.2f} | "
            f"{r['p50_ms']:>8.0f} {r['p99_ms']:>7.0f} {r['per_s']:>6.2f} | "
            f"{q['p50']:.2f} {q['p99']:.2f} {q['per_s']:.2f} | {s['other_cpu']:.0%}")
    if breakdown:
        say(f"in-process certificates.issue (n={len(runs)}, concurrency 1), ms p50 / mean: "
            + ", ".join(f"{k} {v['p50_ms']:.1f}/{v['mean_ms']:.1f}" for k, v in breakdown.items()))
    say(f"signed PDF: {raw[0]['legs'][str(args.levels[0])]['pdf_bytes']} bytes")
    return {
        "benchmark": "certs",
        "command": "python bench/certs.py " + " ".join(sys.argv[1:]),
        "started_utc": started.isoformat(timespec="seconds"),
        "settings": dict(vars(args)),
        "summary": summary, "breakdown": breakdown, "raw": raw, "legs": legs,
        "machine": machine(), "versions": versions(),
        "cpu_busy_before": None if busy_before is None else round(busy_before, 3),
        "app_source": f"git archive {args.at}" if args.at else "working tree",
        "git": git_state(args.at), "server_log_lines": app_log_lines,
        "server_log_tail": app_log_tail,
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    return run_main("certs", bench, args)


if __name__ == "__main__":
    sys.exit(main())
