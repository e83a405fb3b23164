"""Registration history of one unit: its current right, an earlier owner's
right, and the mortgages, seizures, pre-registrations and objections on it.

Dates obey the obvious constraints (registered after completion, holders of
age, a mortgage still running when it is ACTIVE), because the platform's
rules and the certificates print them.
"""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal

from mock_providers import numbering
from mock_providers.datagen import names, people, places
from mock_providers.datagen.specs import (
    Block,
    EncumbranceSpec,
    HolderSpec,
    RightSpec,
    UnitSpec,
    make_id,
)

RIGHT_TYPE = "国有建设用地使用权/房屋所有权"
REGISTER_START = date(2000, 1, 1)  # the electronic register starts here
AS_OF = date(2025, 12, 31)  # generated history ends here
CHINA = timezone(timedelta(hours=8), "CST")  # no DST since 1991: a fixed offset is exact
_LOANS_RUN_UNTIL = date(2027, 1, 1)
_FIRST_SERIAL = 10_001  # numbers look like 第0010001号; 9,000,000 up is left to the demo set

# 2025 price per ㎡ by district, for plausible mortgage amounts.
_PRICE = {"440604": 17_000, "440605": 19_000, "440606": 15_000, "440607": 9_000,
          "440608": 7_500}


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def day_between(rng: random.Random, low: date, high: date) -> date:
    return low + timedelta(days=rng.randint(0, max(0, (high - low).days)))


def office_hours(rng: random.Random, day: date) -> datetime:
    """A moment on the next working day, 09:00-17:00 Beijing time, stored as UTC."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    seconds = rng.randint(9 * 3600, 17 * 3600 - 1)
    local = datetime.combine(day, time(seconds // 3600, seconds // 60 % 60, seconds % 60),
                             tzinfo=CHINA)
    return local.astimezone(UTC)


class Numbers:
    """Counters for ids and register numbers: the only state carried between blocks."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._ids: dict[str, int] = defaultdict(int)
        self._titles: dict[int, int] = defaultdict(lambda: _FIRST_SERIAL)
        self._proofs: dict[int, int] = defaultdict(lambda: _FIRST_SERIAL)

    def next(self, kind: str) -> int:
        n = self._ids[kind]
        self._ids[kind] = n + 1
        return n

    def id(self, kind: str) -> uuid.UUID:
        return make_id(self.seed, kind, self.next(kind))

    def title_no(self, year: int) -> str:
        serial = self._titles[year]
        self._titles[year] = serial + 1
        return numbering.title_no(year, serial)

    def proof_no(self, year: int) -> str:
        serial = self._proofs[year]
        self._proofs[year] = serial + 1
        return numbering.proof_no(year, serial)


def earlier_right(rng: random.Random, nums: Numbers, block: Block, unit: UnitSpec,
                  current: RightSpec, family: str | None) -> None:
    """The right of the owner before: a parent for 继承/赠与, a seller for 买卖."""
    completed = max(REGISTER_START, date(unit.completed_year, 7, 1))
    latest = current.registered_at.astimezone(CHINA).date() - timedelta(days=365)
    if latest < completed:
        return  # the earlier registration predates the electronic register
    day = day_between(rng, completed, latest)
    via = "新建商品房" if (day - completed).days < 540 else "买卖"
    right = RightSpec(id=nums.id("right"), unit_id=unit.id, title_no=nums.title_no(day.year),
                      right_type=RIGHT_TYPE, co_ownership="SOLE", acquired_via=via,
                      registered_at=office_hours(rng, day), current=False,
                      ended_at=current.registered_at)
    name, number = people.elder(nums.next("elder"), nums.seed, rng, family)
    block.rights.append(right)
    block.holders.append(HolderSpec(id=nums.id("holder"), right_id=right.id, name=name,
                                    id_number=number, share_percent=None))
    if via == "买卖" and rng.random() < 0.4:
        _mortgage(rng, nums, block, unit, day, status="RELEASED")


def _bank(rng: random.Random, district_code: str) -> str:
    if rng.random() < 0.25:
        return places.DISTRICT_BY_CODE[district_code].rural_bank
    return rng.choice(places.NATIONAL_BANKS)


def _loan(rng: random.Random, unit: UnitSpec, year: int) -> Decimal:
    growth = 0.25 + 0.75 * min(1.0, max(0, year - 2000) / 20)
    value = float(unit.building_area) * _PRICE[unit.district_code] * growth
    amount = min(3_000_000, max(200_000, value * rng.uniform(0.3, 0.7)))
    return Decimal(int(amount) // 10_000 * 10_000).quantize(Decimal("0.01"))


def _encumbrance(rng: random.Random, nums: Numbers, block: Block, unit: UnitSpec, kind: str,
                 starts: date, **values: object) -> None:
    at = office_hours(rng, starts)
    block.encumbrances.append(EncumbranceSpec(
        id=nums.id("encumbrance"), unit_id=unit.id, kind=kind,
        proof_no=nums.proof_no(at.astimezone(CHINA).year), registered_at=at,
        starts_on=at.astimezone(CHINA).date(), **values))  # type: ignore[arg-type]


def _mortgage(rng: random.Random, nums: Numbers, block: Block, unit: UnitSpec, starts: date,
              status: str = "ACTIVE") -> None:
    if status == "ACTIVE" and starts.year < 2012:
        # A loan from before 2012 would be paid off by now: this is a later
        # refinance or 经营贷 on the same home.
        starts = day_between(rng, date(2015, 1, 1), AS_OF - timedelta(days=30))
    # An ACTIVE loan must still be running on the day the platform shows it.
    terms = [t for t in (10, 15, 20, 20, 25, 30, 30)
             if status != "ACTIVE" or add_years(starts, t) >= _LOANS_RUN_UNTIL]
    term = rng.choice(terms)
    _encumbrance(rng, nums, block, unit, "MORTGAGE", starts, party=_bank(rng, unit.district_code),
                 amount=_loan(rng, unit, starts.year), document_no=None,
                 ends_on=add_years(starts, term), status=status)


def _court_case(rng: random.Random, unit: UnitSpec, year: int, kinds: tuple[str, ...]
                ) -> tuple[str, str]:
    roll = rng.random()
    if roll < 0.8:
        district = places.DISTRICT_BY_CODE[unit.district_code]
        court, code = district.court, district.court_code
    elif roll < 0.95:
        court, code = places.INTERMEDIATE_COURT
    else:
        court, code = rng.choice(places.OUTSIDE_COURTS)
    return court, f"({year}){code}{rng.choice(kinds)}{rng.randint(1, 29_999)}号"


def encumbrances(rng: random.Random, nums: Numbers, block: Block, unit: UnitSpec,
                 right: RightSpec) -> None:
    """What burdens the unit now, at the rates the brief of the data set asks for."""
    registered = right.registered_at.astimezone(CHINA).date()
    mortgage_rate = 0.30 if unit.use == "住宅" else 0.10 if unit.use in ("商业", "办公") else 0
    if rng.random() < mortgage_rate:
        _mortgage(rng, nums, block, unit, registered)
    if rng.random() < 0.01:
        starts = day_between(rng, max(registered, date(2024, 1, 1)), AS_OF)
        court, case = _court_case(rng, unit, starts.year, ("执", "执", "执保", "民初"))
        _encumbrance(rng, nums, block, unit, "SEIZURE", starts, party=court, amount=None,
                     document_no=case, ends_on=add_years(starts, 3), status="ACTIVE")
    if unit.use == "住宅" and rng.random() < 0.02:
        # 抵押权预告登记: the bank's claim while the buyer's mortgage is pending.
        starts = day_between(rng, max(registered, date(2024, 7, 1)), AS_OF)
        _encumbrance(rng, nums, block, unit, "PRE_REGISTRATION", starts,
                     party=_bank(rng, unit.district_code), amount=_loan(rng, unit, starts.year),
                     document_no=None, ends_on=None, status="ACTIVE")
    if rng.random() < 0.002:
        # An objector and their lawsuit; the name is shown masked, as on the register print.
        starts = day_between(rng, max(registered, date(2025, 1, 1)), AS_OF)
        _, case = _court_case(rng, unit, starts.year, ("民初",))
        objector = names.surname(rng) + "**"
        _encumbrance(rng, nums, block, unit, "OBJECTION", starts, party=objector, amount=None,
                     document_no=case, ends_on=None, status="ACTIVE")
