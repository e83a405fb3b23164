"""Estates (楼盘) and the units allocated in them.

Each estate sits at a fixed road and house number of one 镇街 and keeps a
counter per kind of unit; the n-th flat of an estate is a fixed (building,
floor, room), so addresses and 不动产单元号 are unique without any lookup and
neighbours really share an estate, a parcel and a building.
"""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from mock_providers import numbering
from mock_providers.datagen import places
from mock_providers.datagen.specs import UnitSpec

RESIDENTIAL, OLD_RESIDENTIAL, OFFICE = "RES", "OLD", "OFFICE"
LAND_TERM_YEARS = {"住宅": 70, "车位": 70, "商业": 40, "办公": 40}
_SHOPS_PER_BUILDING = 12
_SPACES_PER_LEVEL = 600
# Steps that scatter the n-th flat of a building over floors and rooms instead
# of filling floor 2 first; the first one coprime with the building size is used.
_STEPS = (7, 11, 13, 17, 19, 23, 29, 31, 37, 41)


@dataclass(frozen=True)
class Estate:
    key: int
    district: places.District
    town_no: int  # 1-based: the 地籍区 of the unit number
    town: str
    road: str
    house_no: int
    name: str
    kind: str  # RES | OLD | OFFICE
    completed_year: int
    total_floors: int
    rooms_per_floor: int
    structure: str
    land_right_type: str
    land_use_start: date
    parcel: int

    @property
    def prefix(self) -> str:
        return f"佛山市{self.district.name}{self.town}{self.road}{self.house_no}号{self.name}"


def _estate(key: int, rng: random.Random, district: places.District, town_no: int,
            town: places.Town, kind: str, name: str, used: set[tuple[str, int]]) -> Estate:
    road = rng.choice(town.roads)
    house = rng.randint(1, 399)
    while (road, house) in used:
        house = rng.randint(1, 399)
    used.add((road, house))
    if kind == OLD_RESIDENTIAL:
        year, floors, rooms = rng.randint(1995, 2003), rng.randint(6, 9), rng.randint(2, 4)
        structure = "混合" if rng.random() < 0.8 else "钢筋混凝土"
        land = "国有建设用地使用权/划拨" if rng.random() < 0.3 else "国有建设用地使用权/出让"
    elif kind == OFFICE:
        year, floors, rooms = rng.randint(2005, 2024), rng.randint(20, 45), rng.randint(8, 14)
        structure, land = "钢筋混凝土", "国有建设用地使用权/出让"
    else:
        year, floors, rooms = rng.randint(2000, 2024), rng.randint(11, 34), rng.randint(4, 8)
        structure, land = "钢筋混凝土", "国有建设用地使用权/出让"
    # Land is sold a year or three before the buildings are finished.
    start = date(year - rng.randint(1, 3), rng.randint(1, 12), rng.randint(1, 28))
    k = key % 10_000
    parcel = 100_000 * (1 + k % 3) + 101 + 17 * k
    return Estate(key, district, town_no, town.name, road, house, name, kind, year, floors,
                  rooms, structure, land, start, parcel)


@lru_cache(maxsize=8)
def catalogue(seed: int) -> tuple[Estate, ...]:
    """All estates of the data set for ``seed``, roughly in proportion to population."""
    rng = random.Random(f"estates:{seed}")
    estates: list[Estate] = []
    for district in places.DISTRICTS:
        per_town = max(7, round(district.weight * 56 / len(district.towns)))
        old_share = 0.2 if district.code == "440604" else 0.12
        for town_no, town in enumerate(district.towns, start=1):
            used: set[tuple[str, int]] = set()
            n_old = round(per_town * old_share)
            picks = ([(OLD_RESIDENTIAL, n) for n in rng.sample(places.ESTATES_OLD, n_old)]
                     + [(RESIDENTIAL, n) for n in rng.sample(places.ESTATES_NEW, per_town - n_old)]
                     + [(OFFICE, n) for n in rng.sample(places.OFFICE_TOWERS,
                                                         3 if town_no == 1 else 1)])
            for kind, name in picks:
                estates.append(_estate(len(estates), rng, district, town_no, town, kind, name,
                                       used))
    return tuple(estates)


def _scatter(k: int, size: int, salt: int) -> int:
    """A permutation of range(size): the k-th unit sold is not simply the next door."""
    step = next((s for s in _STEPS if size % s), 1)
    return (k * step + salt * 31) % size


class Allocator:
    """Hands out the next free unit of an estate; its counters are the only state."""

    def __init__(self, seed: int) -> None:
        self.estates = catalogue(seed)
        self._next: dict[tuple[int, str], int] = defaultdict(int)
        by_district: dict[str, dict[str, list[Estate]]] = defaultdict(lambda: defaultdict(list))
        for e in self.estates:
            for use in _USES_OF_KIND[e.kind]:
                by_district[e.district.code][use].append(e)
        self._candidates = by_district
        self._district_codes = tuple(d.code for d in places.DISTRICTS)
        self._district_weights = tuple(d.weight for d in places.DISTRICTS)

    def pick_estate(self, rng: random.Random, use: str) -> Estate:
        code = rng.choices(self._district_codes, weights=self._district_weights)[0]
        return rng.choice(self._candidates[code][use])

    def _take(self, estate: Estate, use: str) -> int:
        n = self._next[(estate.key, use)]
        self._next[(estate.key, use)] = n + 1
        return n

    def spot(self, estate: Estate, use: str) -> tuple[int, int, int, str]:
        """(building, floor, room number, address suffix) of the next free unit."""
        n = self._take(estate, use)
        if use == "车位":
            level, k = divmod(n, _SPACES_PER_LEVEL)
            number = _scatter(k, _SPACES_PER_LEVEL, estate.key) + 1
            return 9000 + level + 1, -(level + 1), number, f"地下车库B{level + 1}-{number}号车位"
        if use == "商业":
            building, k = divmod(n, _SHOPS_PER_BUILDING)
            shop = 101 + _scatter(k, _SHOPS_PER_BUILDING, estate.key)
            return building + 1, 1, shop, f"{building + 1}座首层{shop}号商铺"
        # flats and offices: floors 2..top, the ground floor is shops
        size = (estate.total_floors - 1) * estate.rooms_per_floor
        building, k = divmod(n, size)
        floor, room = divmod(_scatter(k, size, estate.key), estate.rooms_per_floor)
        floor, room_no = floor + 2, (floor + 2) * 100 + room + 1
        if use == "办公":
            tower = "ABCD"[building] if building < 4 else f"{building + 1}"
            return building + 1, floor, room_no, f"{tower}座{room_no}室"
        block = "栋" if estate.kind == OLD_RESIDENTIAL else "座"
        return building + 1, floor, room_no, f"{building + 1}{block}{room_no}房"

    def unit(self, rng: random.Random, use: str, unit_id: uuid.UUID) -> UnitSpec:
        estate = self.pick_estate(rng, use)
        building, floor, room_no, suffix = self.spot(estate, use)
        return build_unit(rng, estate, use, unit_id, building, floor, room_no, suffix)


_USES_OF_KIND = {
    RESIDENTIAL: ("住宅", "车位", "商业"),
    OLD_RESIDENTIAL: ("住宅", "商业"),
    OFFICE: ("办公", "车位", "商业"),
}


def _area(rng: random.Random, estate: Estate, use: str) -> tuple[Decimal, Decimal]:
    if use == "车位":
        area = round(rng.uniform(12.0, 14.0), 2)
        return Decimal(f"{area:.2f}"), Decimal(f"{area:.2f}")
    if use == "住宅":
        low, high, mode = (60, 100, 72) if estate.kind == OLD_RESIDENTIAL else (60, 180, 96)
        ratio = rng.uniform(0.78, 0.85)
    elif use == "商业":
        low, high, mode, ratio = 20, 200, 55, rng.uniform(0.72, 0.85)
    else:
        low, high, mode, ratio = 40, 300, 110, rng.uniform(0.68, 0.80)
    building = round(rng.triangular(low, high, mode), 2)
    return Decimal(f"{building:.2f}"), Decimal(f"{building * ratio:.2f}")


def _plus_years(day: date, years: int) -> date:
    return day.replace(year=day.year + years)  # day <= 28: never Feb 29


def build_unit(rng: random.Random, estate: Estate, use: str, unit_id: uuid.UUID,
               building: int, floor: int, room_no: int, suffix: str) -> UnitSpec:
    building_area, interior_area = _area(rng, estate, use)
    term = 40 if estate.kind == OFFICE else LAND_TERM_YEARS[use]
    return UnitSpec(
        id=unit_id,
        unit_no=numbering.unit_no(estate.district.code, estate.town_no, estate.parcel,
                                  building, room_no),
        district_code=estate.district.code, address=estate.prefix + suffix, use=use,
        building_area=building_area, interior_area=interior_area,
        land_right_type=estate.land_right_type, land_use_start=estate.land_use_start,
        land_use_end=_plus_years(estate.land_use_start, term), structure=estate.structure,
        floor=floor, total_floors=estate.total_floors, completed_year=estate.completed_year,
    )
