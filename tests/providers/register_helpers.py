"""Shortcuts for the register-write tests: demo units and batches."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from api.providers.register_write import (
    JOINT,
    SOLE,
    NewHolder,
    RegisterBatch,
    RegisterOperation,
    Transfer,
    UnitSnapshot,
)
from mock_providers import numbering
from mock_providers.datagen import demo
from mock_providers.models import RegisterRight, RegisterUnit
from mock_providers.registry import MockRegistryProvider
from mock_providers.seed import seed_demo

BUYER = NewHolder("何诗琪", demo.HE_SHIQI)
SPOUSES = (NewHolder("陈志强", demo.CHEN_ZHIQIANG), NewHolder("李慧敏", demo.LI_HUIMIN))


def allow(_: UnitSnapshot) -> list[str]:
    return []


def no_seizure(snap: UnitSnapshot) -> list[str]:
    return ["R07 查封"] if any(e.kind == "SEIZURE" for e in snap.encumbrances) else []


def still_right(right_id: str) -> Any:
    """The guard of a case accepted on ``right_id``: the right must still be current."""
    def guard(snap: UnitSnapshot) -> list[str]:
        return [] if snap.right and snap.right.right_id == right_id else ["R05 权利已变更"]
    return guard


def sale(case_ref: str, unit_no: str, *extra: RegisterOperation,
         buyers: tuple[NewHolder, ...] = (BUYER,)) -> RegisterBatch:
    co = SOLE if len(buyers) == 1 else JOINT
    return RegisterBatch(case_ref, unit_no, (Transfer(buyers, co, "买卖", "FSCL20260000001"),
                                             *extra))


async def demo_units(vault: Any, faces: Path) -> dict[str, str]:
    """Seed the demo set; unit numbers by a short name."""
    await seed_demo(vault, faces)
    registry = MockRegistryProvider(vault)
    liang = {h.address: h for h in await registry.holdings(demo.LIANG_JUNJIE)}
    chen = await registry.holdings(demo.CHEN_ZHIQIANG)
    return {
        "liang_sanshui": next(h.unit_no for a, h in liang.items() if "三水" in a),
        "liang_nanhai": next(h.unit_no for a, h in liang.items() if "南海" in a),
        "chen_joint": next(h.unit_no for h in chen if h.co_ownership == "JOINT"),
        "chen_nanhai": next(h.unit_no for h in chen if h.district_code == "440605"),
        "huang_seized": (await registry.holdings(demo.HUANG_GUOLIANG))[0].unit_no,
    }


async def clean_unit(vault: Any, n: int, holder: tuple[str, str] = ("梁俊杰", demo.LIANG_JUNJIE)
                     ) -> str:
    """A new sole-owned flat with nothing on it (地籍子区 970, never generated)."""
    unit_no = numbering.unit_no("440604", 7, 97_000_000 + n, 1, 101)
    unit = await RegisterUnit.create(
        id=uuid.uuid4(), unit_no=unit_no, district_code="440604",
        address=f"佛山市禅城区祖庙街道测试路{n}号1座101房", use="住宅",
        building_area=Decimal("90.00"), interior_area=Decimal("75.00"),
        land_right_type="国有建设用地使用权/出让", land_use_start=date(2010, 1, 1),
        land_use_end=date(2080, 1, 1), structure="钢筋混凝土", floor=3, total_floors=18,
        completed_year=2012)
    right = await RegisterRight.create(
        id=uuid.uuid4(), unit_id=unit.id, title_no=numbering.title_no(2015, 9_700_000 + n),
        right_type="国有建设用地使用权/房屋所有权", co_ownership="SOLE", acquired_via="买卖",
        registered_at=datetime(2015, 6, 1, 2, tzinfo=UTC))
    await MockRegistryProvider(vault).build_holder(
        right_id=right.id, name=holder[0], id_number=holder[1], share_percent=None).save(
        force_create=True)
    return unit_no
