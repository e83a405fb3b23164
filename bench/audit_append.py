"""How many hash-chained audit appends per second one PostgreSQL database takes.

    APP_ENV=test DATABASE_URL=postgres://postgres@127.0.0.1:5432/fsreg_bench_x \\
        FSREG_KEYS_DIR=... .venv/bin/python bench/audit_append.py [--count 300] [--concurrency 1,4]

``audit.record`` (advisory lock, tip read, insert, commit) ``--count`` times at
each concurrency, in-process on one connection pool: the ceiling the
advisory-locked append puts on any request that writes an audit row, whatever
the number of app workers. It appends real ``bench.audit_append`` rows (the
chain stays valid): run it against a benchmark database, not a real one.
Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time


async def main(count: int, levels: list[int]) -> dict:
    from api.cli.common import database
    from api.infra.settings import get_settings
    from api.services import audit

    out: dict[str, object] = {}
    async with database(get_settings()):
        for level in levels:
            todo = iter(range(count))
            lat: list[float] = []

            async def runner(todo=todo, lat=lat) -> None:  # type: ignore[no-untyped-def]
                for _ in todo:
                    t0 = time.perf_counter()
                    await audit.record("bench.audit_append", actor="bench", subject="bench")
                    lat.append(time.perf_counter() - t0)

            t0 = time.perf_counter()
            await asyncio.gather(*(runner() for _ in range(level)))
            wall = time.perf_counter() - t0
            lat.sort()
            out[str(level)] = {"appends_per_s": round(count / wall, 1),
                               "p50_ms": round(lat[len(lat) // 2] * 1000, 2),
                               "p99_ms": round(lat[min(len(lat) - 1, int(len(lat) * .99))] * 1000, 2)}
    return out


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--count", type=int, default=300)
    p.add_argument("--concurrency", default="1,4")
    a = p.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        p.error("DATABASE_URL: a PostgreSQL benchmark database")
    print(json.dumps(asyncio.run(main(min(a.count, 2000),  # noqa: T201
                                      [int(x) for x in a.concurrency.split(",")]))))
