"""Mint a face-level (L2) access token for one generated register holder, in-process.

Run by a scenario's ``prepare`` as ``python -c <this file's source> INDEX
HOLDERS`` with the app's environment and the app's source as the current
directory (so ``api`` imports from a ``--at`` export, not the work tree). It
opens a session the way a face login would (``ensure_citizen`` +
``open_session``), against the same database and key ring the server will
use, and prints one JSON line: the token and how many current properties the
register holds for that person (checked first: a key ring other than the one
the register was seeded with finds none).

INDEX is a person index of the generated data set (seed 2024), e.g. 999, the
first heavy holder (exactly 20 current properties).
"""

from __future__ import annotations

import asyncio
import json
import sys
from types import SimpleNamespace


async def mint(index: int) -> dict[str, object]:
    import fakeredis.aioredis

    from api.cli.common import database
    from api.cli.common import vault as _vault
    from api.infra.keys import load_keyring
    from api.infra.settings import get_settings
    from api.providers.identity import Person
    from api.services.session import citizens, sessions
    from mock_providers.datagen.people import person_spec
    from mock_providers.registry import MockRegistryProvider

    settings = get_settings()
    spec = person_spec(index, 2024)
    async with database(settings):
        vault = _vault(settings)
        holdings = await MockRegistryProvider(vault).holdings(spec.id_number)
        if not holdings:
            raise SystemExit(f"the register holds nothing for person {index}: not seeded, or "
                             "seeded with another key ring (see --keys-from)")
        # ensure_citizen uses .vault, open_session .keyring and .settings; .kv only on revocation.
        state = SimpleNamespace(keyring=load_keyring(settings), settings=settings, vault=vault,
                                kv=fakeredis.aioredis.FakeRedis())
        citizen = await citizens.ensure_citizen(state, Person(spec.id_number, spec.name, "", None))
        issued = await sessions.open_session(state, citizen, assurance_level="L2",
                                             channel="FOSHANTONG", device_label="bench")
    return {"access_token": issued.access_token, "expires_in": issued.expires_in,
            "properties": len(holdings), "citizen_id": str(citizen.id)}


if __name__ == "__main__":
    print(json.dumps(asyncio.run(mint(int(sys.argv[1])))))  # noqa: T201
