"""The 09:00 flash crowd on loopback (issue 6): 1,000 citizens, 20 places.

    .venv/bin/python bench/flash_crowd.py --at HEAD [--workers 2] [--clients 1000]
        [--slots 4 --capacity 5] [--connections 200]

wrk cannot drive it: every request needs its own citizen token and idempotency
key. So a bare asyncio HTTP/1.1 driver (``--connections`` keep-alive
connections, opened first) prepares one request per citizen,

    mutation Book($slot: ID!, $key: String) { bookAppointment(input: {slotId: $slot,
      serviceItem: TRANSFER, idempotencyKey: $key}) { __typename ... } }

spread round-robin over the chosen slots, and releases them all at once (an
``asyncio.Event``); each connection then sends the next waiting citizen's
request as soon as its previous answer is in. Latency is reported per request
(sent to answered) and per citizen (release to answered: what the last one
in the crowd waits).

One run:

1. A temporary key ring and var dir; a PostgreSQL database
   ``fsreg_bench_flash_<pid>`` created, migrated, ``seed --demo``, dropped at
   the end. ``--redis-url`` (default database 11) is flushed at the start and
   the end: it must be one only this benchmark uses.
2. In-process (``flash_inproc.py``): ``--clients`` citizens with L1 tokens and
   ``--slots`` released slots of FS-CENTRE / TRANSFER on the last released day,
   capacity set to ``--capacity`` each.
3. The app under uvicorn (``--workers``); one ``availableSlots`` read checks
   the chosen slots show their full capacity; then the crowd.
4. Checks: exactly slots × capacity ``BookingConfirmed``; the others typed
   refusals (counted by ``__typename``); no HTTP status other than 200, no
   top-level GraphQL error; in the database ``booked == capacity`` and as many
   BOOKED bookings as places per slot.

Results go to ``bench/results/flash-<UTC time>.json``. Exit 1 if a check fails.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import json
import sys
import time
import uuid
from pathlib import Path

import httpx
from common import BENCH, demo_database, git_state, machine, run_main, say, versions, warn
from cpu import CpuMeter
from login import pct
from servers import free_port, serve, uvicorn_options, wait_ready

HALL, ITEM = "FS-CENTRE", "TRANSFER"
# Variables, as the mini-program sends them: one document, parsed and validated once.
BOOK = ("mutation Book($slot: ID!, $key: String) { bookAppointment(input: {slotId: $slot, "
        "serviceItem: TRANSFER, idempotencyKey: $key}) { __typename "
        "... on BookingConfirmed { appointment { id } } } }")
SLOTS = ('query { availableSlots(hallId: "%s", serviceItem: TRANSFER, from: "%s", to: "%s") '
         '{ id capacity remaining } }')


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--workers", type=int, default=2, help="uvicorn workers")
    p.add_argument("--clients", type=int, default=1000, help="citizens, one request each")
    p.add_argument("--slots", type=int, default=4)
    p.add_argument("--capacity", type=int, default=5, help="places per chosen slot")
    p.add_argument("--connections", type=int, default=200, help="client connections")
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/11",
                   help="a Redis database for this benchmark only: flushed at start and end")
    p.add_argument("--at", metavar="REV", help="benchmark the app as committed at REV")
    args = p.parse_args(argv)
    if min(args.workers, args.clients, args.slots, args.capacity, args.connections) < 1:
        p.error("counts must be >= 1")
    if args.clients > 2000 or args.connections > 500:
        p.error("keep it bounded: at most 2000 clients and 500 connections")
    if not args.redis_url.startswith("redis://127.0.0.1") or args.redis_url.endswith("/0"):
        p.error("--redis-url: a loopback Redis database other than 0 (it gets flushed)")
    return args


async def db_state(db_url: str, slot_ids: list[str]) -> list[dict]:
    import asyncpg

    conn = await asyncpg.connect(db_url.replace("postgres://", "postgresql://", 1), timeout=10)
    try:
        rows = await conn.fetch(
            "SELECT s.id::text AS id, s.capacity, s.booked, "
            "(SELECT count(*) FROM booking b WHERE b.slot_id = s.id AND b.status = 'BOOKED') "
            "AS bookings FROM slot s WHERE s.id = ANY($1::uuid[]) ORDER BY s.starts_at",
            slot_ids)
        return [dict(r) for r in rows]
    finally:
        await conn.close()


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, dict[str, str], bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in
               (line.partition(":") for line in lines[1:] if line)}
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return status, headers, body


async def crowd(url: str, tokens: list[str], slot_ids: list[str], connections: int,
                run_id: str) -> dict:
    """``connections`` keep-alive connections, opened before the release, take
    the 1,000 prepared requests in turn. A bare asyncio HTTP/1.1 client: httpx
    queued behind its own pool spent ~15 s before the first request left."""
    host, _, port = url.removeprefix("http://").partition(":")
    go = asyncio.Event()
    results: list[dict] = []
    pending = collections.deque(enumerate(tokens))
    released = 0.0

    def request(i: int, token: str) -> bytes:
        body = json.dumps({"query": BOOK, "variables": {
            "slot": slot_ids[i % len(slot_ids)], "key": f"flash-{run_id}-{i}"}}).encode()
        return (f"POST /graphql HTTP/1.1\r\nHost: {host}:{port}\r\n"
                f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode() + body

    async def connection() -> None:
        nonlocal released
        reader, writer = await asyncio.open_connection(host, int(port))
        await go.wait()
        try:
            while pending:
                i, token = pending.popleft()
                rec: dict = {"i": i, "slot": slot_ids[i % len(slot_ids)]}
                t0 = time.perf_counter()
                try:
                    writer.write(request(i, token))
                    await writer.drain()
                    status, headers, raw = await _read_response(reader)
                    rec["status"] = status
                    try:
                        doc = json.loads(raw)
                    except ValueError:
                        doc = {"errors": [{"message": raw[:200].decode("utf-8", "replace")}]}
                    if doc.get("errors"):
                        rec["errors"] = doc["errors"]
                    data = (doc.get("data") or {}).get("bookAppointment")
                    rec["typename"] = data["__typename"] if data else None
                    if headers.get("connection", "").lower() == "close":
                        writer.close()
                        reader, writer = await asyncio.open_connection(host, int(port))
                except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                    rec["status"] = None
                    rec["exception"] = f"{type(exc).__name__}: {exc}"
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, int(port))
                done = time.perf_counter()
                rec["t_start"] = t0
                rec["latency_s"] = done - t0
                rec["since_release_s"] = done - released
                results.append(rec)
        finally:
            writer.close()

    tasks = [asyncio.create_task(connection()) for _ in range(min(connections, len(tokens)))]
    await asyncio.sleep(1.0)  # every connection open and waiting
    released = time.perf_counter()
    go.set()
    await asyncio.gather(*tasks)
    return {"results": results, "wall_s": time.perf_counter() - released, "t0": released}


def bench(args: argparse.Namespace, tmp: Path, cleanup: contextlib.ExitStack) -> dict:
    run = demo_database("flash", args, tmp, cleanup, {"FSREG_ACCESS_TOKEN_TTL_SECONDS": "7200"})
    benv, db_url, started, busy_before = run.benv, run.db_url, run.started, run.busy_before
    python = sys.executable
    t = time.monotonic()
    spec = {"citizens": args.clients, "hall": HALL, "item": ITEM, "slots": args.slots,
            "capacity": args.capacity}
    prep = json.loads(benv.run_python(BENCH / "flash_inproc.py", json.dumps(spec), timeout=900))
    tokens, slots, day = prep["tokens"], prep["slots"], prep["day"]
    slot_ids = [s["id"] for s in slots]
    places = args.slots * args.capacity
    say(f"[flash] {len(tokens)} citizens with L1 tokens in {time.monotonic() - t:.0f}s; "
        f"{len(slots)} slots of {HALL}/{ITEM} on {day} × {args.capacity} = {places} places")

    port = free_port()
    app_cmd = [python, "-m", "uvicorn", *uvicorn_options(port, args.workers),
               "api.app:create_app"]
    run_id = uuid.uuid4().hex[:12]
    with serve("app", app_cmd, cwd=benv.repo, env=benv.env, log_path=tmp / "app.log", port=port) as app:
        wait_ready(app, workers=args.workers)
        r = httpx.post(app.url + "/graphql", json={"query": SLOTS % (HALL, day, day)}, timeout=30)
        r.raise_for_status()
        seen = {s["id"]: s for s in r.json()["data"]["availableSlots"]}
        for sid in slot_ids:
            if seen.get(sid, {}).get("remaining") != args.capacity:
                raise RuntimeError(f"availableSlots does not show slot {sid} with "
                                   f"{args.capacity} places: {seen.get(sid)}")
        meter = CpuMeter.for_groups([app.proc.pid])
        meter.start()
        try:
            out = asyncio.run(crowd(app.url, tokens, slot_ids, args.connections, run_id))
        except BaseException:
            warn(f"[flash] app log tail:\n{app.log_tail(40)}")
            raise
        cpu = meter.stop()
        if app.proc.poll() is not None:
            raise RuntimeError(f"the app died:\n{app.log_tail()}")
        app_log_tail, app_log_lines = app.log_tail(30), app.log_lines()
    db = asyncio.run(db_state(db_url, slot_ids))

    res = out["results"]
    lat = [x["latency_s"] for x in res]
    by_type = collections.Counter(x.get("typename") or "(none)" for x in res)
    by_status = collections.Counter(str(x.get("status")) for x in res)
    errors = [x for x in res if x.get("errors") or x.get("exception")]
    confirmed_per_slot = collections.Counter(x["slot"] for x in res
                                             if x.get("typename") == "BookingConfirmed")
    confirmed = [x for x in res if x.get("typename") == "BookingConfirmed"]
    last_confirmed = max((x["t_start"] + x["latency_s"] - out["t0"] for x in confirmed),
                         default=None)
    checks = {
        "confirmed_equals_places": by_type.get("BookingConfirmed", 0) == places,
        "all_http_200": set(by_status) == {"200"},
        "no_top_level_errors": not errors,
        "db_booked_equals_capacity": all(s["booked"] == s["capacity"] for s in db),
        "db_bookings_equal_capacity": all(s["bookings"] == s["capacity"] for s in db),
        "confirmed_per_slot_equals_capacity": all(
            confirmed_per_slot.get(s["id"], 0) == s["capacity"] for s in db),
    }
    summary = {
        "clients": len(res), "places": places, "by_typename": dict(by_type),
        "by_http_status": dict(by_status), "top_level_errors": len(errors),
        "errors_by_kind": dict(collections.Counter(
            x.get("exception", "").split(":")[0] or ",".join(
                (e.get("extensions") or {}).get("code", "?") for e in x["errors"])
            for x in errors)),
        "error_samples": [{k: v for k, v in x.items() if k in ("status", "errors", "exception")}
                          for x in errors[:5]],
        "p50_ms": pct(lat, 50), "p99_ms": pct(lat, 99), "max_ms": max(lat) * 1000,
        "min_ms": min(lat) * 1000, "wall_s": out["wall_s"], "per_s": len(res) / out["wall_s"],
        "last_confirmation_s": last_confirmed,
        "citizen_wait_p50_ms": pct([x["since_release_s"] for x in res], 50),
        "citizen_wait_p99_ms": pct([x["since_release_s"] for x in res], 99),
        "confirmed_p50_ms": pct([x["latency_s"] for x in confirmed], 50) if confirmed else None,
        "db": db, "checks": checks, "cpu": cpu,
    }
    say(f"[flash] {len(res)} requests in {out['wall_s']:.2f}s ({summary['per_s']:.0f}/s): "
        f"p50 {summary['p50_ms']:.0f} ms p99 {summary['p99_ms']:.0f} ms "
        f"max {summary['max_ms']:.0f} ms per request; release to answer p50 "
        f"{summary['citizen_wait_p50_ms']:.0f} ms p99 {summary['citizen_wait_p99_ms']:.0f} ms; "
        f"last confirmation {last_confirmed or 0:.2f} s after the release")
    say(f"[flash] by __typename: {dict(by_type)}; HTTP: {dict(by_status)}; "
        f"top-level errors: {len(errors)} {summary['errors_by_kind']}")
    say("[flash] db: " + "; ".join(f"{s['id'][:8]} booked {s['booked']}/{s['capacity']} "
                                   f"({s['bookings']} BOOKED rows)" for s in db))
    say(f"[flash] cpu: {cpu}")
    for name, ok in checks.items():
        say(f"[flash] {'ok  ' if ok else 'FAIL'} {name}")
    if errors:
        warn(f"[flash] error samples: {summary['error_samples']}")
    result = {
        "benchmark": "flash",
        "command": "python bench/flash_crowd.py " + " ".join(sys.argv[1:]),
        "started_utc": started.isoformat(timespec="seconds"),
        "settings": dict(vars(args)), "day": day, "slots": slots, "summary": summary,
        "machine": machine(), "versions": versions(),
        "cpu_busy_before": None if busy_before is None else round(busy_before, 3),
        "app_source": f"git archive {args.at}" if args.at else "working tree",
        "git": git_state(args.at), "server_log_lines": app_log_lines,
        "server_log_tail": app_log_tail,
        "latencies_s": sorted(lat),
    }
    if not all(checks.values()):
        # Keep the evidence, then fail.
        (BENCH / "results").mkdir(exist_ok=True)
        path = BENCH / "results" / f"flash-FAILED-{started.strftime('%Y%m%dT%H%M%SZ')}.json"
        path.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str) + "\n")
        raise RuntimeError(f"checks failed: {[k for k, v in checks.items() if not v]}; "
                           f"details in {path}")
    return result


def main(argv: list[str] | None = None) -> int:
    return run_main("flash", bench, parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
