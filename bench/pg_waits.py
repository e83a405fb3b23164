"""Sample what a database's backends wait on while a benchmark runs (loopback only).

    .venv/bin/python bench/pg_waits.py --database fsreg_big --seconds 60 [--interval 0.05]

Every ``--interval`` seconds, reads ``pg_stat_activity`` for the database's
client backends other than this one and counts, over the samples in which at
least one of them was active: how many backends were active, and what the
active ones waited on (``wait_event_type:wait_event``; ``Lock:advisory`` is a
backend queued on ``pg_advisory_xact_lock``, e.g. the audit append;
``CPU`` means not waiting). Prints one JSON document. Read-only; bounded by
``--seconds``.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import time


async def sample(database: str, seconds: float, interval: float) -> dict:
    import asyncpg

    conn = await asyncpg.connect(f"postgresql://postgres@127.0.0.1:5432/{database}", timeout=10)
    waits: collections.Counter[str] = collections.Counter()
    active_hist: collections.Counter[int] = collections.Counter()
    advisory_hist: collections.Counter[int] = collections.Counter()
    queries: collections.Counter[str] = collections.Counter()
    samples = busy = 0
    try:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            rows = await conn.fetch(
                "SELECT state, wait_event_type, wait_event, left(query, 60) AS q "
                "FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() "
                "AND backend_type = 'client backend'", database)
            samples += 1
            active = [r for r in rows if r["state"] == "active"]
            if active:
                busy += 1
                active_hist[len(active)] += 1
                advisory = 0
                for r in active:
                    key = (f"{r['wait_event_type']}:{r['wait_event']}"
                           if r["wait_event_type"] else "CPU")
                    waits[key] += 1
                    if key == "Lock:advisory":
                        advisory += 1
                    else:
                        queries[" ".join(r["q"].split())] += 1
                advisory_hist[advisory] += 1
            await asyncio.sleep(interval)
    finally:
        await conn.close()
    return {"database": database, "samples": samples, "samples_with_active": busy,
            "active_backends_histogram": dict(sorted(active_hist.items())),
            "advisory_waiters_histogram": dict(sorted(advisory_hist.items())),
            "active_backend_waits": dict(waits.most_common()),
            "running_queries_top": dict(queries.most_common(8))}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--database", required=True)
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--interval", type=float, default=0.05)
    a = p.parse_args()
    if not 0 < a.seconds <= 600:
        p.error("--seconds: 0..600")
    print(json.dumps(asyncio.run(sample(a.database, a.seconds, a.interval)),  # noqa: T201
                     ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
