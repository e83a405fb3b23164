"""Who owns what: the deterministic generator of the whole data set.

Persons come in blocks of ``GROUP`` consecutive indexes. Couples and
co-owners are chosen inside a block, so every row of a block references only
rows of that block, and a block never depends on how many persons follow it:
the first 2,000 persons of a 200,000 data set are exactly the 2,000 of a
2,000 data set. Only counters (ids, register serials, free flats) run on
from block to block, which is why generation is sequential.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

from mock_providers.datagen import contracts, history
from mock_providers.datagen.estates import Allocator
from mock_providers.datagen.people import person_spec
from mock_providers.datagen.specs import Block, Chunk, HolderSpec, PersonSpec, RightSpec

GROUP = 100
# Benchmark holders: fixed indexes, so a benchmark can find them without the DB.
HEAVY_EVERY, HEAVY_OFFSET, HEAVY_PROPERTIES = 5_000, 999, 20

# How many current properties a person holds (alone or shared): ~15% none.
_COUNTS = (0, 1, 2, 3, 4, 5)
_COUNT_WEIGHTS = (15, 48, 24, 7.5, 3.5, 2)
# Per property slot of a person: a JOINT right with the spouse, an IN_SHARES
# right with relatives, else SOLE. Tuned so that rights come out near
# 55% SOLE / 35% JOINT / 10% IN_SHARES (a JOINT right fills two slots).
_P_JOINT, _P_SHARES, _P_SAME_COUNT = 0.9, 0.11, 0.8
_USES = ("住宅", "车位", "商业", "办公")
_USE_WEIGHTS = (80, 11, 5, 4)
_VIA = ("新建商品房", "买卖", "继承", "赠与")
_VIA_WEIGHTS = {"SOLE": (40, 45, 8, 7), "JOINT": (45, 50, 2, 3), "IN_SHARES": (20, 35, 35, 10)}
_SHARES = {2: ((50, 50), (50, 50), (50, 50), (60, 40), (70, 30), (80, 20)),
           3: ((40, 30, 30), (34, 33, 33), (50, 25, 25), (60, 20, 20))}


def is_heavy(index: int) -> bool:
    return index % HEAVY_EVERY == HEAVY_OFFSET


def heavy_holder_indexes(holders: int) -> list[int]:
    """Indexes of the persons holding exactly 20 current properties in a set of ``holders``."""
    return list(range(HEAVY_OFFSET, holders, HEAVY_EVERY))


def heavy_holders(holders: int, seed: int = 2024) -> list[PersonSpec]:
    return [person_spec(i, seed) for i in heavy_holder_indexes(holders)]


def _marry(rng: random.Random, persons: list[PersonSpec]) -> dict[int, PersonSpec]:
    """Pair men and women of similar age; about three in four end up married."""
    single = [p for p in persons if not is_heavy(p.index)]
    men = sorted((p for p in single if p.gender == "M"), key=lambda p: p.born)
    women = sorted((p for p in single if p.gender == "F"), key=lambda p: p.born)
    spouse: dict[int, PersonSpec] = {}
    for man, woman in zip(men, women, strict=False):
        if abs(man.born.year - woman.born.year) <= 8 and rng.random() < 0.85:
            spouse[man.index], spouse[woman.index] = woman, man
    return spouse


def _co_owners(rng: random.Random, person: PersonSpec, spouse: PersonSpec | None,
               remaining: dict[int, int], persons: list[PersonSpec]
               ) -> tuple[str, list[PersonSpec]]:
    roll = rng.random()
    if spouse is not None and remaining[spouse.index] > 0 and roll < _P_JOINT:
        return "JOINT", [person, spouse]
    if roll >= 1 - _P_SHARES:
        others = [q for q in persons if remaining[q.index] > 0 and q is not person
                  and q is not spouse]
        if others:
            k = min(len(others), 1 if rng.random() < 0.7 else 2)
            return "IN_SHARES", [person, *rng.sample(others, k)]
    return "SOLE", [person]


def _property(rng: random.Random, nums: history.Numbers, alloc: Allocator, block: Block,
              co: str, owners: list[PersonSpec]) -> None:
    unit = alloc.unit(rng, rng.choices(_USES, weights=_USE_WEIGHTS)[0], nums.id("unit"))
    via = rng.choices(_VIA, weights=_VIA_WEIGHTS[co])[0]
    if unit.use == "车位" and via in ("继承", "赠与"):
        via = "买卖"
    completed = max(history.REGISTER_START, date(unit.completed_year, 7, 1))
    adult = max(history.add_years(p.born, 18) for p in owners)
    low = max(completed, adult)
    if via == "新建商品房" and unit.completed_year >= 2000 and adult <= completed:
        day = history.day_between(rng, completed, min(history.AS_OF,
                                                     completed + timedelta(days=540)))
    else:
        via = "买卖" if via == "新建商品房" else via
        day = history.day_between(rng, low, history.AS_OF)
    right = RightSpec(id=nums.id("right"), unit_id=unit.id, title_no=nums.title_no(day.year),
                      right_type=history.RIGHT_TYPE, co_ownership=co, acquired_via=via,
                      registered_at=history.office_hours(rng, day))
    block.units.append(unit)
    block.rights.append(right)
    shares = rng.choice(_SHARES[len(owners)]) if co == "IN_SHARES" else None
    for n, p in enumerate(owners):
        block.holders.append(HolderSpec(
            id=nums.id("holder"), right_id=right.id, name=p.name, id_number=p.id_number,
            share_percent=Decimal(shares[n]).quantize(Decimal("0.01")) if shares else None,
            person_index=p.index))
    if via in ("继承", "赠与") or (via == "买卖" and rng.random() < 0.6):
        family = owners[0].surname if via in ("继承", "赠与") else None
        history.earlier_right(rng, nums, block, unit, right, family)
    history.encumbrances(rng, nums, block, unit, right)


def _block(nums: history.Numbers, alloc: Allocator, persons: list[PersonSpec],
           rng: random.Random) -> Block:
    block = Block(persons=persons)
    remaining = {p.index: HEAVY_PROPERTIES if is_heavy(p.index)
                 else rng.choices(_COUNTS, weights=_COUNT_WEIGHTS)[0] for p in persons}
    spouse = _marry(rng, persons)
    for index, partner in spouse.items():
        # Couples mostly buy together: the wife's count follows the husband's.
        if partner.gender == "F" and rng.random() < _P_SAME_COUNT:
            remaining[partner.index] = remaining[index]
    # Every right takes one slot from each of its holders, and only holders
    # with a slot left are chosen: each person ends with exactly their count.
    for person in persons:
        while remaining[person.index] > 0:
            co, owners = _co_owners(rng, person, spouse.get(person.index), remaining, persons)
            for p in owners:
                remaining[p.index] -= 1
            _property(rng, nums, alloc, block, co, owners)
    block.contracts = contracts.for_block(
        block, nums.seed, {p.index for p in persons if is_heavy(p.index)})
    return block


def iter_chunks(holders: int, seed: int = 2024, chunk: int = 5000) -> Iterator[Chunk]:
    """The data set of ``holders`` persons, in chunks of about ``chunk`` persons
    (whole blocks of ``GROUP``). Memory stays bounded by one chunk."""
    nums, alloc = history.Numbers(seed), Allocator(seed)
    per_chunk = max(1, chunk // GROUP)
    blocks: list[Block] = []
    for start in range(0, holders, GROUP):
        persons = [person_spec(i, seed) for i in range(start, min(start + GROUP, holders))]
        blocks.append(_block(nums, alloc, persons, random.Random(f"block:{seed}:{start}")))
        if len(blocks) == per_chunk:
            yield Chunk(tuple(blocks))
            blocks = []
    if blocks:
        yield Chunk(tuple(blocks))
