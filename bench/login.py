"""Face login on loopback against the raw face pipeline, in one run (issue 3).

    .venv/bin/python bench/login.py --at HEAD [--workers 2] [--face-workers 1] [--logins 40]

wrk cannot drive a login: each one needs a fresh challenge and a selfie whose
bytes differ from every earlier one (the app refuses a byte-identical selfie
as a replay). So a small asyncio + httpx driver runs a bounded number of
logins: ``startFaceLogin`` then ``completeFaceLogin``, round-robin over the
four demo citizens with a face, and requires ``LoginSuccess`` every time.
Each selfie is the fixture ``selfie_1.jpg`` with a JPEG comment segment
(``FF FE``) holding a run id and a counter inserted after the start marker:
unique bytes, identical pixels, so every login embeds the same face.

One run:

1. A temporary key ring and var dir; a PostgreSQL database
   ``fsreg_bench_login_<pid>`` created, migrated, ``seed --demo``, dropped at the
   end; the Redis database ``--redis-url`` (default 13) is flushed at the
   start and the end, so it must be one only this benchmark uses (cached face
   templates are sealed with the run's key ring and would not open in the next).
2. Raw baseline (``face_raw.py``, before and after the server legs):
   ``FacePool(FaceSettings(workers=--raw-workers))`` and ``await pool.embed``
   on the same selfies, at each concurrency, plus in-process ``embed_bytes``.
3. The app under uvicorn (``--workers``, ``FSREG_FACE_POOL_WORKERS`` =
   ``--face-workers`` per uvicorn worker, the per-IP login throttle raised),
   warmed with a few logins (the reference templates get cached), then
   ``--logins`` logins at each concurrency.
4. p99 of a light anonymous query (``{ districts { code } }``, wrk, few
   connections, short legs) alone and while the driver keeps logging in at
   ``--saturate`` concurrency, alternated: alone, loaded, alone, loaded.

Results go to ``bench/results/login-<UTC time>.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import statistics
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
from common import BENCH, REPO, demo_database, git_state, machine, run_main, say, versions, warn
from cpu import CpuMeter
from loadgen import Load, LoadgenMissing, run_wrk, wrk_path
from scenarios import BenchEnv
from servers import free_port, http, serve, uvicorn_options, wait_ready

FACES = REPO / "tests" / "fixtures" / "faces"
CONSENT = "2026-12"
# The demo citizens whose register photo is a fixture face (mock_providers.datagen.demo).
PEOPLE = (
    ("person_a", "陈志强", "440604196603129119"),
    ("person_b", "黄国梁", "440606195611059331"),
    ("person_c", "梁俊杰", "440607198709309554"),
    ("person_d", "何诗琪", "430104199012089666"),
)
START = """mutation ($input: StartFaceLoginInput!) { startFaceLogin(input: $input) {
  __typename ... on FaceChallenge { challengeId } ... on UserError { code message } } }"""
COMPLETE = """mutation ($input: CompleteFaceLoginInput!) { completeFaceLogin(input: $input) {
  __typename ... on LoginSuccess { assuranceLevel } ... on UserError { code message } } }"""
LIGHT = b'{"query":"query { districts { code } }"}'


def selfie(person: str, tag: str) -> bytes:
    """The fixture selfie with a JPEG comment segment: new bytes, same pixels."""
    data = (FACES / person / "selfie_1.jpg").read_bytes()
    assert data[:2] == b"\xff\xd8", "not a JPEG"
    note = tag.encode()
    return data[:2] + b"\xff\xfe" + (len(note) + 2).to_bytes(2, "big") + note + data[2:]


class Driver:
    """Logs in over HTTP; every selfie is new bytes. Fails loudly on anything
    but LoginSuccess (a failed attempt counts towards the identity lock)."""

    def __init__(self, url: str, run_id: str) -> None:
        self.url = url + "/graphql"
        self.run_id = run_id
        self.n = 0
        # Logins refused with ChallengeExpired although the challenge was fresh
        # (a finding about the app, kept and reported; it does not count
        # towards the identity lock). Any other refusal stops the run.
        self.expired: list[dict] = []
        self.client = httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=64))

    async def _gql(self, query: str, variables: dict) -> dict:
        r = await self.client.post(self.url, json={"query": query, "variables": variables})
        r.raise_for_status()
        doc = r.json()
        if doc.get("errors"):
            raise RuntimeError(f"GraphQL errors: {doc['errors']}")
        return doc["data"]

    async def login(self) -> tuple[float, float] | None:
        """One login; (end-to-end seconds, completeFaceLogin seconds), or None
        if a fresh challenge was refused as expired."""
        n, self.n = self.n, self.n + 1
        person, name, id_number = PEOPLE[n % len(PEOPLE)]
        image = base64.b64encode(selfie(person, f"bench {self.run_id} {n}")).decode()
        t0 = time.perf_counter()
        ch = (await self._gql(START, {"input": {
            "name": name, "idNumber": id_number, "channel": "FOSHANTONG",
            "consentVersion": CONSENT}}))["startFaceLogin"]
        if ch["__typename"] != "FaceChallenge":
            raise RuntimeError(f"startFaceLogin for {person}: {ch}")
        t1 = time.perf_counter()
        done = (await self._gql(COMPLETE, {"input": {
            "challengeId": ch["challengeId"], "image": image}}))["completeFaceLogin"]
        t2 = time.perf_counter()
        if done["__typename"] == "ChallengeExpired":
            self.expired.append({"login": n, "person": person, "challenge_age_s": t2 - t1,
                                 "at": datetime.now(UTC).isoformat()})
            say(f"[login] WARNING: login {n} ({person}) refused ChallengeExpired "
                f"{t2 - t1:.2f}s after its challenge was issued")
            return None
        if done["__typename"] != "LoginSuccess":
            raise RuntimeError(f"completeFaceLogin for {person}: {done}")
        return t2 - t0, t2 - t1

    async def batch(self, count: int, concurrency: int,
                    stop: threading.Event | None = None) -> dict:
        """``count`` logins (fewer if ``stop`` is set first) by ``concurrency`` tasks."""
        e2e: list[float] = []
        complete: list[float] = []
        todo = iter(range(count))

        async def runner() -> None:
            for _ in todo:
                if stop is not None and stop.is_set():
                    return
                timing = await self.login()
                if timing is not None:
                    e2e.append(timing[0])
                    complete.append(timing[1])

        t0 = time.perf_counter()
        await asyncio.gather(*(runner() for _ in range(concurrency)))
        return {"e2e_s": e2e, "complete_s": complete, "wall_s": time.perf_counter() - t0}

    async def close(self) -> None:
        await self.client.aclose()


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) in milliseconds."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[k] * 1000


def stats(latencies: list[float], wall_s: float) -> dict:
    return {"n": len(latencies), "p50_ms": pct(latencies, 50), "p99_ms": pct(latencies, 99),
            "max_ms": max(latencies) * 1000, "mean_ms": statistics.fmean(latencies) * 1000,
            "per_s": len(latencies) / wall_s}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--workers", type=int, default=2, help="uvicorn workers")
    p.add_argument("--face-workers", type=int, default=1,
                   help="FSREG_FACE_POOL_WORKERS: face processes per uvicorn worker")
    p.add_argument("--raw-workers", type=int, default=None,
                   help="face processes of the raw baseline pool (default: workers x "
                   "face-workers, the server's total)")
    p.add_argument("--logins", type=int, default=40, help="logins per measured leg")
    p.add_argument("--concurrency", default="1,4", help="comma-separated levels")
    p.add_argument("--saturate", type=int, default=4,
                   help="login concurrency while the light query is measured")
    p.add_argument("--light-duration", type=int, default=5, help="seconds per light-query leg")
    p.add_argument("--light-connections", type=int, default=2)
    p.add_argument("--max-saturating-logins", type=int, default=400,
                   help="bound on logins during one loaded leg")
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/10",
                   help="a Redis database for this benchmark only: flushed at start and end")
    p.add_argument("--at", metavar="REV", help="benchmark the app as committed at REV")
    args = p.parse_args(argv)
    args.levels = [int(x) for x in args.concurrency.split(",")]
    if args.raw_workers is None:
        args.raw_workers = args.workers * args.face_workers
    if min(args.workers, args.face_workers, args.raw_workers, args.logins, args.saturate,
           *args.levels) < 1:
        p.error("counts must be >= 1")
    if not args.redis_url.startswith("redis://127.0.0.1") or args.redis_url.endswith("/0"):
        p.error("--redis-url: a loopback Redis database other than 0 (it gets flushed)")
    return args


def raw_baseline(args: argparse.Namespace, benv: BenchEnv, images_file: Path,
                 inproc: int) -> dict:
    spec = {"images": str(images_file), "pool_workers": args.raw_workers,
            "concurrency": args.levels, "count": args.logins, "inproc": inproc}
    meter = CpuMeter.for_groups([])
    meter.start()
    out = json.loads(benv.run_python(BENCH / "face_raw.py", json.dumps(spec), timeout=600))
    out["cpu"] = meter.stop()
    return out


def bench(args: argparse.Namespace, tmp: Path, cleanup: contextlib.ExitStack) -> dict:
    run = demo_database("login", args, tmp, cleanup, {
        "FSREG_FACE_POOL_WORKERS": str(args.face_workers),
        "FSREG_IP_LOGIN_ATTEMPTS": "1000000",
    })
    benv, started, busy_before = run.benv, run.started, run.busy_before
    python = sys.executable

    run_id = uuid.uuid4().hex[:12]
    images = [selfie(p, f"raw {run_id} {i}") for i, (p, _, _) in enumerate(PEOPLE)]
    images_file = tmp / "selfies.bin"
    images_file.write_bytes(b"".join(len(b).to_bytes(4, "big") + b for b in images))

    say(f"[login] raw baseline 1: FacePool(workers={args.raw_workers}), "
        f"{args.logins} embeds at concurrency {args.levels}")
    raw = [raw_baseline(args, benv, images_file, inproc=20)]

    port = free_port()
    app_cmd = [python, "-m", "uvicorn", *uvicorn_options(port, args.workers),
               "api.app:create_app"]
    logins: dict[str, list[dict]] = {str(c): [] for c in args.levels}
    light: dict[str, list[dict]] = {"alone": [], "loaded": []}
    saturating: list[dict] = []
    expired: list[dict] = []
    with serve("app", app_cmd, cwd=benv.repo, env=benv.env, log_path=tmp / "app.log", port=port) as app:
        wait_ready(app, workers=args.workers)
        meter = CpuMeter.for_groups([app.proc.pid])
        status, answer = http("POST", app.url + "/graphql", LIGHT,
                              {"Content-Type": "application/json"})
        if status != 200 or b'"errors"' in answer:
            raise RuntimeError(f"light query failed: {status} {answer[:300]!r}")
        body_file = tmp / "light.json"
        body_file.write_bytes(LIGHT)
        light_load = Load(args.light_duration, args.light_connections, 1,
                          {"Content-Type": "application/json"}, body_file)

        async def server_legs() -> None:
            driver = Driver(app.url, run_id)
            try:
                say("[login] warm-up: 8 logins (reference templates get cached)")
                await driver.batch(8, 4)
                for level in args.levels:
                    meter.start()
                    leg = await driver.batch(args.logins, level)
                    leg["cpu"] = meter.stop()
                    logins[str(level)].append(leg)
                    s = stats(leg["e2e_s"], leg["wall_s"])
                    say(f"[login] {args.logins} logins at concurrency {level}: "
                        f"p50 {s['p50_ms']:.0f} ms p99 {s['p99_ms']:.0f} ms "
                        f"{s['per_s']:.2f}/s  other CPU {leg['cpu']['others']:.0%}")
                run_wrk(app.url + "/graphql", light_load)  # warm the light path
                for _ in range(2):
                    meter.start()
                    leg = await asyncio.to_thread(run_wrk, app.url + "/graphql", light_load)
                    leg["cpu"] = meter.stop()
                    light["alone"].append(leg)
                    stop = threading.Event()
                    load_task = asyncio.ensure_future(driver.batch(
                        args.max_saturating_logins, args.saturate, stop))
                    await asyncio.sleep(1.0)  # let the pool fill up first
                    meter.start()
                    leg = await asyncio.to_thread(run_wrk, app.url + "/graphql", light_load)
                    leg["cpu"] = meter.stop()
                    stop.set()
                    saturating.append(await load_task)
                    light["loaded"].append(leg)
                    for name in ("alone", "loaded"):
                        lg = light[name][-1]
                        say(f"[login] light query {name:<6}: {lg['rps']:.0f} req/s "
                            f"p50 {lg['latency_us']['p50'] / 1000:.2f} ms "
                            f"p99 {lg['latency_us']['p99'] / 1000:.2f} ms "
                            f"errors {lg['error_count']}")
            finally:
                expired.extend(driver.expired)
                await driver.close()

        try:
            asyncio.run(server_legs())
        except BaseException:
            warn(f"[login] app log tail:\n{app.log_tail(40)}")
            raise
        if app.proc.poll() is not None:
            raise RuntimeError(f"the app died:\n{app.log_tail()}")
        app_log_tail, app_log_lines = app.log_tail(30), app.log_lines()

    say("[login] raw baseline 2")
    raw.append(raw_baseline(args, benv, images_file, inproc=20))

    # -- summary ---------------------------------------------------------------
    summary: dict[str, dict] = {}
    for level in args.levels:
        key = str(level)
        e2e = [x for leg in logins[key] for x in leg["e2e_s"]]
        comp = [x for leg in logins[key] for x in leg["complete_s"]]
        wall = sum(leg["wall_s"] for leg in logins[key])
        raw_lat = [x for r in raw for x in r["legs"][key]["latencies_s"]]
        raw_wall = sum(r["legs"][key]["wall_s"] for r in raw)
        summary[key] = {"login": stats(e2e, wall), "complete_only": stats(comp, wall),
                        "raw_embed": stats(raw_lat, raw_wall),
                        "raw_embed_per_run": [stats(r["legs"][key]["latencies_s"],
                                                    r["legs"][key]["wall_s"]) for r in raw]}
        s = summary[key]
        s["ratio"] = {"p50": s["login"]["p50_ms"] / s["raw_embed"]["p50_ms"],
                      "p99": s["login"]["p99_ms"] / s["raw_embed"]["p99_ms"],
                      "per_s": s["login"]["per_s"] / s["raw_embed"]["per_s"]}
    inproc = [x for r in raw for x in r.get("inproc_latencies_s", [])]
    light_summary = {name: {
        "p50_ms": statistics.median(leg["latency_us"]["p50"] for leg in legs) / 1000,
        "p99_ms": statistics.median(leg["latency_us"]["p99"] for leg in legs) / 1000,
        "p99_per_leg_ms": [leg["latency_us"]["p99"] / 1000 for leg in legs],
        "max_ms": max(leg["latency_us"]["max"] for leg in legs) / 1000,
        "rps": sum(leg["requests"] for leg in legs) / sum(leg["duration_us"] for leg in legs)
        * 1e6,
        "errors": sum(leg["error_count"] for leg in legs),
        "max_other_cpu": max((leg["cpu"] or {}).get("others", 0.0) for leg in legs),
    } for name, legs in light.items()}
    sat = [stats(s["e2e_s"], s["wall_s"]) for s in saturating if s["e2e_s"]]

    say(f"\n{'level':>5} {'login p50':>10} {'p99':>7} {'/s':>6} | {'complete p50':>12} "
        f"{'p99':>7} | {'raw p50':>8} {'p99':>7} {'/s':>6} | ratio p50 p99 /s")
    for key, s in summary.items():
        lg, cp, rw, r = s["login"], s["complete_only"], s["raw_embed"], s["ratio"]
        say(f"{key:>5} {lg['p50_ms']:>10.0f} {lg['p99_ms']:>7.0f} {lg['per_s']:>6.2f} | "
            f"{cp['p50_ms']:>12.0f} {cp['p99_ms']:>7.0f} | {rw['p50_ms']:>8.0f} "
            f"{rw['p99_ms']:>7.0f} {rw['per_s']:>6.2f} | {r['p50']:.2f} {r['p99']:.2f} "
            f"{r['per_s']:.2f}")
    if inproc:
        say(f"in-process embed_bytes: p50 {pct(inproc, 50):.0f} ms, p99 {pct(inproc, 99):.0f} ms"
            f" (n={len(inproc)})")
    a, ld = light_summary["alone"], light_summary["loaded"]
    say(f"light query p99: alone {a['p99_ms']:.2f} ms {a['p99_per_leg_ms']}, loaded "
        f"{ld['p99_ms']:.2f} ms {ld['p99_per_leg_ms']}; loaded/alone "
        f"{ld['p99_ms'] / a['p99_ms']:.1f}x (p50 {ld['p50_ms'] / a['p50_ms']:.1f}x)")
    if expired:
        say(f"[login] WARNING: {len(expired)} fresh challenges refused as expired")
    say("logins during the loaded legs: " + ", ".join(
        f"{s['n']} at {s['per_s']:.2f}/s p99 {s['p99_ms']:.0f} ms" for s in sat))
    return {
        "benchmark": "login",
        "command": "python bench/login.py " + " ".join(sys.argv[1:]),
        "started_utc": started.isoformat(timespec="seconds"),
        "settings": {k: v for k, v in vars(args).items()},
        "summary": summary, "light_query": light_summary, "saturating_logins": sat,
        "challenge_expired": expired,
        "inproc_embed": ({"p50_ms": pct(inproc, 50), "p99_ms": pct(inproc, 99),
                          "n": len(inproc)} if inproc else None),
        "raw": raw, "logins": logins, "light_legs": light,
        "pool_start_s": [r["pool_start_s"] for r in raw],
        "machine": machine(), "versions": versions(),
        "cpu_busy_before": None if busy_before is None else round(busy_before, 3),
        "app_source": f"git archive {args.at}" if args.at else "working tree",
        "git": git_state(args.at), "server_log_lines": app_log_lines,
        "server_log_tail": app_log_tail,
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        wrk_path()
    except LoadgenMissing as exc:
        warn(exc)
        return 3

    return run_main("login", bench, args)


if __name__ == "__main__":
    sys.exit(main())
