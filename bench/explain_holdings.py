"""EXPLAIN ANALYZE the register queries of ``MockRegistryProvider.holdings`` (issue 4).

    FSREG_KEYS_DIR=/tmp/bigvar/keys DATABASE_URL=postgres://postgres@127.0.0.1:5432/fsreg_big \\
        APP_ENV=test .venv/bin/python bench/explain_holdings.py [--person 999] [--repeat 3]

Runs ``holdings`` for a generated person (seed 2024; 999 = the first heavy
holder, 20 properties) with tortoise's SQL logging (logger
``tortoise.db_client`` at DEBUG) captured, then runs each captured SELECT
``--repeat`` times under ``EXPLAIN (ANALYZE, BUFFERS)`` with the same
parameters and prints the plans (the last repetition: a warm cache). Read-only
(EXPLAIN ANALYZE of a SELECT executes it, nothing more). Run it from the
source you want (e.g. a ``git archive HEAD`` export) so the queries are HEAD's.
"""

from __future__ import annotations

import argparse
import asyncio
import logging


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.queries: list[tuple[str, list]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.args and len(record.args) == 2 and isinstance(record.args[0], str):
            query, values = record.args
            if query.lstrip().upper().startswith("SELECT"):
                self.queries.append((query, list(values or [])))


async def main(person: int, repeat: int) -> None:
    import asyncpg
    from tortoise import Tortoise

    from api.cli.common import database
    from api.cli.common import vault as _vault
    from api.infra.db import mock_db_url
    from api.infra.settings import get_settings
    from mock_providers.datagen.people import person_spec
    from mock_providers.registry import MockRegistryProvider

    settings = get_settings()
    spec = person_spec(person, 2024)
    cap = Capture()
    log = logging.getLogger("tortoise.db_client")
    async with database(settings):
        log.addHandler(cap)
        log.setLevel(logging.DEBUG)
        holdings = await MockRegistryProvider(_vault(settings)).holdings(spec.id_number)
        log.removeHandler(cap)
        await Tortoise.close_connections()
    print(f"person {person}: {len(holdings)} properties, {len(cap.queries)} SELECTs\n")  # noqa: T201
    url = mock_db_url(settings).replace("postgres://", "postgresql://", 1)  # the mocks' database
    conn = await asyncpg.connect(url, timeout=10)
    try:
        for query, values in cap.queries:
            for _ in range(repeat):
                plan = await conn.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {query}", *values)
            print(f"-- {' '.join(query.split())[:400]}")  # noqa: T201
            print("\n".join(r[0] for r in plan), "\n")  # noqa: T201
    finally:
        await conn.close()


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--person", type=int, default=999)
    p.add_argument("--repeat", type=int, default=3)
    a = p.parse_args()
    asyncio.run(main(a.person, max(1, min(a.repeat, 10))))
