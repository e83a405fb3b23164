"""登簿 racing other register writes on PostgreSQL (RELIABILITY 36, 37).

Each round uses a fresh unit and runs two writers with ``asyncio.gather``: each
holds its own pooled connection for its transaction, and small random delays
shift which one reaches the unit lock first, so both orders occur.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Awaitable
from typing import Any, TypeVar

import pytest

from api.providers.register_write import NewHolder, RegisterResult, RegistrationBlocked
from mock_providers.datagen import demo
from mock_providers.models import RegisterBatchRecord, RegisterEvent, RegisterUnit
from mock_providers.registry import MockRegistryProvider
from tests.conftest import Leg
from tests.providers.register_helpers import allow, clean_unit, no_seizure, sale, still_right

pytestmark = pytest.mark.pg
ROUNDS = 40
T = TypeVar("T")


@pytest.fixture
def pg(leg: Leg) -> None:
    if not leg.is_pg:
        pytest.skip("concurrent transactions on one unit need PostgreSQL (row locks)")


async def jitter(rng: random.Random, aw: Awaitable[T]) -> T:
    await asyncio.sleep(rng.uniform(0, 0.004))
    return await aw


async def blocked_or(aw: Awaitable[RegisterResult]) -> RegisterResult | None:
    try:
        return await aw
    except RegistrationBlocked:
        return None


async def test_a_seizure_racing_a_transfer_never_slips_under_it(
        pg: None, db: None, vault: Any) -> None:
    registry, rng, outcomes = MockRegistryProvider(vault), random.Random(15), Counter[str]()
    for n in range(ROUNDS):
        unit = await clean_unit(vault, 1000 + n)
        seizure, result = await asyncio.gather(
            jitter(rng, registry.record_event(unit, "SEIZURE", {"party": "佛山市禅城区人民法院"})),
            jitter(rng, blocked_or(registry.register(sale(f"A-{n}", unit), no_seizure))))
        if result is None:
            outcomes["seizure first, transfer blocked"] += 1
            assert not await RegisterEvent.exists(unit__unit_no=unit, kind="TRANSFER")
        else:
            outcomes["transfer first, seizure after"] += 1
            # never both "transfer applied" and "seizure recorded before it"
            assert seizure.seq > result.version, (n, seizure.seq, result.version)
    print(f"\n{ROUNDS} rounds: {dict(outcomes)}")  # noqa: T201
    assert sum(outcomes.values()) == ROUNDS


async def test_two_transfers_accepted_on_the_same_right_one_applies(
        pg: None, db: None, vault: Any) -> None:
    registry, rng, winners = MockRegistryProvider(vault), random.Random(16), Counter[str]()
    other = NewHolder("罗建华", demo.LUO_JIANHUA)
    for n in range(ROUNDS):
        unit = await clean_unit(vault, 2000 + n)
        snap = await registry.unit(unit)
        assert snap is not None
        assert snap.right is not None
        guard = still_right(snap.right.right_id)  # what both cases were accepted on
        first, second = await asyncio.gather(
            jitter(rng, blocked_or(registry.register(sale(f"B1-{n}", unit), guard))),
            jitter(rng, blocked_or(registry.register(sale(f"B2-{n}", unit, buyers=(other,)),
                                                     guard))))
        assert (first is None) != (second is None), n
        winners["first" if first else "second"] += 1
        transfers = await RegisterEvent.filter(unit__unit_no=unit, kind="TRANSFER").count()
        assert transfers == 1
        assert await RegisterBatchRecord.filter(unit__unit_no=unit).count() == 1
    print(f"\n{ROUNDS} rounds, winner: {dict(winners)}")  # noqa: T201


async def test_the_same_batch_twice_at_once_applies_once(pg: None, db: None, vault: Any) -> None:
    registry, rng = MockRegistryProvider(vault), random.Random(17)
    for n in range(ROUNDS):
        unit = await clean_unit(vault, 3000 + n)
        batch = sale(f"C-{n}", unit)
        one, two = await asyncio.gather(jitter(rng, registry.register(batch, allow)),
                                        jitter(rng, registry.register(batch, allow)))
        assert sorted([one.replayed, two.replayed]) == [False, True], n
        assert one.title_no == two.title_no
        assert one.operations == two.operations
        assert await RegisterEvent.filter(unit__unit_no=unit).count() == 1
        version = (await RegisterUnit.get(unit_no=unit)).version
        assert version == one.version
    print(f"\n{ROUNDS} rounds: each applied once")  # noqa: T201
