"""In-process prepare step of the flash-crowd benchmark (issue 6).

Run as ``python -c <this file's source> SPEC_JSON`` with the app's environment
and the app's source as the current directory (``BenchEnv.run_python``), so
``api`` imports from a ``--at`` export and uses the bench database and key ring.

SPEC ``{"citizens": N, "hall": "FS-CENTRE", "item": "TRANSFER", "slots": 4,
"capacity": 5}``: N distinct citizens (ID numbers from ``api.idnumber.build``),
each with an L1 access token (``ensure_citizen`` + ``open_session``), and
``slots`` released, not yet started slots of the hall and item on the last
released day (``available_slots`` creates them), whose capacity is set to
``capacity`` by a direct UPDATE (booked stays 0). Prints one JSON document:
``{"tokens": [...], "slots": [{"id", "starts_at", "capacity"}], "day"}``.
"""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import date, timedelta
from types import SimpleNamespace


async def prepare(spec: dict) -> dict:
    import fakeredis.aioredis

    from api.cli.common import database
    from api.cli.common import vault as _vault
    from api.infra.keys import load_keyring
    from api.infra.settings import get_settings
    from api.models import Slot
    from api.providers import idnumber
    from api.providers.identity import Person
    from api.services.appointments import calendar as cal
    from api.services.session import citizens, sessions

    settings = get_settings()
    n = int(spec["citizens"])
    async with database(settings):
        vault = _vault(settings)
        state = SimpleNamespace(keyring=load_keyring(settings), settings=settings, vault=vault,
                                kv=fakeredis.aioredis.FakeRedis())
        tokens = []
        for i in range(n):
            born = date(1970, 1, 1) + timedelta(days=i // 1000)
            person = Person(idnumber.build("440604", born, i % 1000), f"压测{i:04d}", "", None)
            citizen = await citizens.ensure_citizen(state, person)
            issued = await sessions.open_session(state, citizen, assurance_level="L1",
                                                 channel="FOSHANTONG", device_label="bench")
            tokens.append(issued.access_token)
        at = cal.utc(None)
        today = cal.local_day(at)
        last = today + timedelta(days=settings.booking_release_days_ahead)
        # The last released day that has slots of this item, not today (no slot may
        # start while the crowd runs).
        chosen: list = []
        day = last
        while day > today and not chosen:
            rows = await cal.available_slots(state, spec["hall"], spec["item"], day, day, at)
            chosen = rows[: int(spec["slots"])]
            if len(chosen) < int(spec["slots"]):
                chosen = []
                day -= timedelta(days=1)
        if not chosen:
            raise SystemExit("no released day with enough slots")
        ids = [s.id for s in chosen]
        await Slot.filter(id__in=ids).update(capacity=int(spec["capacity"]), booked=0)
        rows = await Slot.filter(id__in=ids).order_by("starts_at")
    return {"tokens": tokens, "day": day.isoformat(),
            "slots": [{"id": str(s.id), "starts_at": s.starts_at.isoformat(),
                       "capacity": s.capacity, "booked": s.booked} for s in rows]}


if __name__ == "__main__":
    print(json.dumps(asyncio.run(prepare(json.loads(sys.argv[1])))))  # noqa: T201
