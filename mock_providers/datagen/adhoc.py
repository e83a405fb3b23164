"""Properties for one person added by hand (``python -m api add-citizen``).

Addresses come from the same estate catalogue as the generated set; unit
numbers use 地籍子区 998 and register serials from 9,800,000, ranges the
generator and the demo set never use. Collisions between two hand-added
citizens are possible in principle and caught by the unique constraints: the
caller retries with another ``salt``.
"""

from __future__ import annotations

import random
from datetime import date

from mock_providers import numbering
from mock_providers.datagen import history
from mock_providers.datagen.estates import Allocator, build_unit
from mock_providers.datagen.specs import Block, HolderSpec, RightSpec, make_id

_PARCEL = 99_800_000
_SERIAL = 9_800_000
_USES = ("住宅", "车位", "商业", "办公")
_USE_WEIGHTS = (80, 11, 5, 4)


def properties_for(name: str, id_number: str, count: int, *, salt: int = 0,
                   seed: int = 2024) -> Block:
    rng = random.Random(f"adhoc:{id_number}:{salt}")
    alloc = Allocator(seed)
    block = Block()
    for n in range(count):
        use = rng.choices(_USES, weights=_USE_WEIGHTS)[0]
        estate = alloc.pick_estate(rng, use)
        building, floor, room_no, suffix = alloc.spot(estate, use)
        unit = build_unit(rng, estate, use, make_id("adhoc", id_number, salt, "unit", n),
                          building, floor, room_no, suffix)
        parcel = _PARCEL + rng.randrange(100_000)
        unit = type(unit)(**{**vars(unit), "unit_no": numbering.unit_no(
            estate.district.code, estate.town_no, parcel, building, room_no)})
        day = history.day_between(rng, date(max(2003, unit.completed_year), 1, 1), history.AS_OF)
        right = RightSpec(id=make_id("adhoc", id_number, salt, "right", n), unit_id=unit.id,
                          title_no=numbering.title_no(day.year, _SERIAL + rng.randrange(100_000)),
                          right_type=history.RIGHT_TYPE, co_ownership="SOLE",
                          acquired_via=rng.choice(("买卖", "新建商品房")),
                          registered_at=history.office_hours(rng, day))
        block.units.append(unit)
        block.rights.append(right)
        block.holders.append(HolderSpec(id=make_id("adhoc", id_number, salt, "holder", n),
                                        right_id=right.id, name=name, id_number=id_number,
                                        share_percent=None))
        if use == "住宅" and rng.random() < 0.4:
            history.encumbrances(rng, _Serials(rng), block, unit, right)
    return block


class _Serials(history.Numbers):
    """Register serials in the hand-added range, ids derived from the rng."""

    def __init__(self, rng: random.Random) -> None:
        super().__init__(seed=rng.randrange(1 << 30))
        self._rng = rng

    def proof_no(self, year: int) -> str:
        return numbering.proof_no(year, _SERIAL + self._rng.randrange(100_000))

    def title_no(self, year: int) -> str:
        return numbering.title_no(year, _SERIAL + self._rng.randrange(100_000))


__all__ = ["properties_for"]
