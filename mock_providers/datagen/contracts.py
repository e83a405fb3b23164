"""Filed sale contracts (住建 网签备案) for the generated set.

About a quarter of the sole-owned flats that nothing burdens (no mortgage,
seizure, pre-registration or objection) are under a filed contract to another
person of the same block: enough distinct, clean units for a benchmark to
submit a thousand transfers. A separate random stream per block keeps the
register rows exactly what they were before contracts existed.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from api.providers.contracts import ContractParty
from mock_providers import numbering
from mock_providers.datagen.specs import Block, ContractSpec, make_id

SHARE = 0.25
PER_BLOCK = 100  # filing serials: block start * 100 + k; a block has far fewer
_PRICE = {"440604": 17_000, "440605": 19_000, "440606": 15_000, "440607": 9_000,
          "440608": 7_500}  # 2026 元 per ㎡, as the mortgages assume
_SIGNED_FROM = date(2026, 10, 8)


def for_block(block: Block, seed: int, heavy: set[int]) -> list[ContractSpec]:
    """Contracts for ``block``; ``heavy``: person indexes whose holdings must not move."""
    if not block.persons:
        return []
    start = block.persons[0].index
    rng = random.Random(f"contracts:{seed}:{start}")
    burdened = {e.unit_id for e in block.encumbrances if e.status == "ACTIVE"}
    units = {u.id: u for u in block.units}
    holders: dict[object, list] = {}
    for h in block.holders:
        holders.setdefault(h.right_id, []).append(h)
    buyers = [p for p in block.persons if p.index not in heavy]
    result: list[ContractSpec] = []
    for right in block.rights:
        unit = units[right.unit_id]
        owners = holders.get(right.id, [])
        if not (right.current and right.co_ownership == "SOLE" and unit.use == "住宅"
                and unit.id not in burdened and len(owners) == 1
                and owners[0].person_index not in heavy) or rng.random() >= SHARE:
            continue
        seller = owners[0]
        candidates = [p for p in buyers if p.id_number != seller.id_number]
        if not candidates or len(result) >= PER_BLOCK:
            continue
        buyer = rng.choice(candidates)
        signed = _SIGNED_FROM + timedelta(days=rng.randint(0, 50))
        price = Decimal(int(float(unit.building_area) * _PRICE[unit.district_code]
                            * rng.uniform(0.85, 1.15)) // 1000 * 1000).quantize(Decimal("0.01"))
        result.append(ContractSpec(
            id=make_id(seed, "contract", start, len(result)),
            filing_no=numbering.filing_no(2026, start * PER_BLOCK + len(result)),
            unit_no=unit.unit_no, price=price, signed_on=signed,
            filed_on=signed + timedelta(days=rng.randint(0, 2)),
            sellers=(ContractParty(seller.name, seller.id_number),),
            buyers=(ContractParty(buyer.name, buyer.id_number),), buyer_co_ownership="SOLE"))
    return result
