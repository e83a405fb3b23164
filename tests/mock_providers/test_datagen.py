"""The generator alone (no DB): determinism, validity, uniqueness, distributions."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from api.providers import idnumber
from mock_providers.datagen import (
    DISTRICT_BY_CODE,
    Block,
    demo,
    heavy_holder_indexes,
    heavy_holders,
    iter_chunks,
    person_id,
    person_spec,
)

N = 20_000


@dataclass
class DataSet:
    blocks: list[Block] = field(default_factory=list)

    def all(self, name: str) -> list:
        return [row for b in self.blocks for row in getattr(b, name)]


def generate(holders: int, seed: int = 2024, chunk: int = 5000) -> DataSet:
    data = DataSet()
    for c in iter_chunks(holders, seed=seed, chunk=chunk):
        data.blocks.extend(c.blocks)
    return data


@pytest.fixture(scope="module")
def big() -> DataSet:
    return generate(N)


def test_same_seed_same_rows_and_ids() -> None:
    assert generate(1_000).blocks == generate(1_000).blocks


def test_another_seed_other_rows() -> None:
    assert generate(300, seed=1).all("persons") != generate(300, seed=2).all("persons")


def test_rows_do_not_depend_on_chunk_size_or_set_size() -> None:
    small, large = generate(1_000, chunk=300), generate(3_000, chunk=5000)
    assert small.blocks == large.blocks[:len(small.blocks)]


def test_person_spec_matches_the_generated_person(big: DataSet) -> None:
    for p in big.all("persons")[::997]:
        assert person_spec(p.index) == p
        assert person_id(p.index) == p.id


def test_id_numbers_valid_unique_and_agree_with_the_person(big: DataSet) -> None:
    persons = big.all("persons")
    assert len(persons) == N
    assert len({p.id_number for p in persons}) == N
    assert len({p.id for p in persons}) == N
    for p in persons:
        assert idnumber.is_valid(p.id_number), p
        assert p.id_number[:6] == p.region
        assert p.id_number[6:14] == f"{p.born:%Y%m%d}"
        assert (int(p.id_number[16]) % 2 == 1) == (p.gender == "M")
        assert int(p.id_number[14:17]) < 900  # 9xx is the demo citizens'
        assert date(1950, 1, 1) <= p.born <= date(2004, 12, 31)
        assert re.fullmatch(r"1[3-9]\d{9}", p.phone)
        assert 2 <= len(p.name) <= 4
        assert p.name.startswith(p.surname)


def test_names_look_like_guangdong(big: DataSet) -> None:
    surnames = Counter(p.surname for p in big.all("persons"))
    top = [s for s, _ in surnames.most_common(4)]
    assert top[0] == "陈"
    assert set(top) <= {"陈", "李", "黄", "梁", "林", "张"}
    assert any(len(s) == 2 for s in surnames)  # a few compound surnames
    regions = Counter(p.region[:4] for p in big.all("persons"))
    assert 0.5 < regions["4406"] / N < 0.66


def test_unit_numbers_28_characters_and_unique(big: DataSet) -> None:
    units = big.all("units")
    assert all(len(u.unit_no) == 28 for u in units)
    assert all(u.unit_no.startswith(u.district_code) for u in units)
    assert len({u.unit_no for u in units}) == len(units)
    assert len({u.address for u in units}) == len(units)


def test_title_and_proof_numbers_unique(big: DataSet) -> None:
    rights, encs = big.all("rights"), big.all("encumbrances")
    assert len({r.title_no for r in rights}) == len(rights)
    assert len({e.proof_no for e in encs}) == len(encs)
    for r in rights:
        assert re.fullmatch(r"粤\((\d{4})\)佛山市不动产权第\d{7}号", r.title_no)


def test_addresses_name_foshan_and_the_units_district(big: DataSet) -> None:
    for u in big.all("units"):
        assert u.address.startswith(f"佛山市{DISTRICT_BY_CODE[u.district_code].name}"), u
        if u.use == "车位":
            assert re.search(r"地下车库B\d+-\d+号车位$", u.address)
            assert u.floor < 0
        else:
            assert 1 <= u.floor <= u.total_floors


def test_unit_attributes_fit_their_use(big: DataSet) -> None:
    uses = Counter(u.use for u in big.all("units"))
    assert 0.75 < uses["住宅"] / sum(uses.values()) < 0.85
    for u in big.all("units"):
        ratio = u.interior_area / u.building_area
        if u.use == "住宅":
            assert Decimal(60) <= u.building_area <= Decimal(180)
            assert Decimal("0.779") <= ratio <= Decimal("0.851")
        if u.use == "车位":
            assert Decimal(12) <= u.building_area <= Decimal(14)
        term = 70 if u.use == "住宅" else 40 if u.use in ("商业", "办公") else None
        if term:
            assert u.land_use_end == u.land_use_start.replace(year=u.land_use_start.year + term)
        assert 1995 <= u.completed_year <= 2024
        assert u.structure in ("钢筋混凝土", "混合")
        assert u.land_right_type.startswith("国有建设用地使用权/")


def test_rows_reference_only_their_block(big: DataSet) -> None:
    for b in big.blocks:
        unit_ids, right_ids = {u.id for u in b.units}, {r.id for r in b.rights}
        indexes = {p.index for p in b.persons}
        assert {r.unit_id for r in b.rights} <= unit_ids
        assert {e.unit_id for e in b.encumbrances} <= unit_ids
        assert {h.right_id for h in b.holders} <= right_ids
        assert {h.person_index for h in b.holders} - {None} <= indexes


def test_co_ownership(big: DataSet) -> None:
    holders_of = defaultdict(list)
    for h in big.all("holders"):
        holders_of[h.right_id].append(h)
    current = [r for r in big.all("rights") if r.current]
    kinds = Counter(r.co_ownership for r in current)
    for r in current:
        hs = holders_of[r.id]
        assert all(h.person_index is not None for h in hs)
        if r.co_ownership == "SOLE":
            assert len(hs) == 1
            assert hs[0].share_percent is None
        elif r.co_ownership == "JOINT":
            assert len(hs) == 2
            assert all(h.share_percent is None for h in hs)
            assert len({h.person_index for h in hs}) == 2
        else:
            assert len(hs) in (2, 3)
            assert sum(h.share_percent for h in hs) == Decimal(100)
    assert 0.50 < kinds["SOLE"] / len(current) < 0.60
    assert 0.30 < kinds["JOINT"] / len(current) < 0.40
    assert 0.07 < kinds["IN_SHARES"] / len(current) < 0.13


def test_each_unit_has_one_current_right_and_a_consistent_history(big: DataSet) -> None:
    by_unit = defaultdict(list)
    for r in big.all("rights"):
        by_unit[r.unit_id].append(r)
        assert r.registered_at.tzinfo is not None
        assert datetime(2000, 1, 1, tzinfo=UTC) <= r.registered_at < datetime(2026, 1, 1,
                                                                               tzinfo=UTC)
    for rights in by_unit.values():
        current = [r for r in rights if r.current]
        assert len(current) == 1
        for past in rights:
            if not past.current:
                assert past.ended_at == current[0].registered_at > past.registered_at
    assert 0.1 < sum(len(rs) > 1 for rs in by_unit.values()) / len(by_unit) < 0.6


def test_property_counts_per_person(big: DataSet) -> None:
    current = {r.id for r in big.all("rights") if r.current}
    per_person = Counter(h.person_index for h in big.all("holders") if h.right_id in current)
    counts = Counter(per_person.get(i, 0) for i in range(N))
    assert 0.12 < counts[0] / N < 0.18
    assert counts[1] > counts[2] > counts[3] > counts[5] > 0
    heavy = heavy_holder_indexes(N)
    assert heavy == [999, 5999, 10999, 15999]
    assert all(per_person[i] == 20 for i in heavy)
    assert max(per_person[i] for i in range(N) if i not in heavy) <= 5
    assert [p.index for p in heavy_holders(N)] == heavy


def test_encumbrance_rates_and_parties(big: DataSet) -> None:
    units = {u.id: u for u in big.all("units")}
    residential = sum(u.use == "住宅" for u in units.values())
    encs = big.all("encumbrances")
    active_mortgaged = {e.unit_id for e in encs if e.kind == "MORTGAGE" and e.status == "ACTIVE"
                        and units[e.unit_id].use == "住宅"}
    assert 0.26 < len(active_mortgaged) / residential < 0.34
    kinds = Counter(e.kind for e in encs if e.status == "ACTIVE")
    assert 0.005 < kinds["SEIZURE"] / len(units) < 0.015
    assert 0.01 < kinds["PRE_REGISTRATION"] / residential < 0.03
    assert 0 < kinds["OBJECTION"] < kinds["SEIZURE"]
    for e in encs:
        if e.kind == "MORTGAGE":
            assert "银行" in e.party
            assert Decimal(200_000) <= e.amount <= Decimal(3_000_000)
            assert 10 <= e.ends_on.year - e.starts_on.year <= 30
            if e.status == "ACTIVE":
                assert e.ends_on > date(2026, 12, 31)
        if e.kind == "SEIZURE":
            assert e.party.endswith("人民法院")
            assert re.fullmatch(r"\(\d{4}\)粤\d{2,4}(执|执保|民初)\d+号", e.document_no)
            assert e.ends_on.year - e.starts_on.year == 3


def test_demo_citizens_have_the_numbers_build_gives() -> None:
    expected = {
        demo.CHEN_ZHIQIANG: ("440604", date(1966, 3, 12), 911),
        demo.LI_HUIMIN: ("440605", date(1968, 7, 23), 922),
        demo.HUANG_GUOLIANG: ("440606", date(1956, 11, 5), 933),
        demo.LIANG_XIUYING: ("440606", date(1931, 4, 18), 944),
        demo.LIANG_JUNJIE: ("440607", date(1987, 9, 30), 955),
        demo.HE_SHIQI: ("430104", date(1990, 12, 8), 966),
        demo.LUO_JIANHUA: ("440605", date(1975, 6, 16), 977),
    }
    for number, args in expected.items():
        assert idnumber.build(*args) == number
        assert idnumber.is_valid(number)
    citizens = demo.demo_citizens()
    assert {c.id_number for c in citizens} == set(expected)
    assert [c.photo for c in citizens[:4]] == [f"person_{x}/reference.jpg" for x in "abcd"]


def test_demo_properties_match_the_citizens_and_stay_clear_of_generated_numbers(
        big: DataSet) -> None:
    blocks = demo.demo_properties()
    held = Counter(h.id_number for b in blocks for r in b.rights if r.current
                   for h in b.holders if h.right_id == r.id)
    for c in demo.demo_citizens():
        assert held[c.id_number] == c.property_count, c.name
    units = [u for b in blocks for u in b.units]
    assert all(len(u.unit_no) == 28 for u in units)
    assert not {u.unit_no for u in units} & {u.unit_no for u in big.all("units")}
    titles = {r.title_no for b in blocks for r in b.rights}
    assert not titles & {r.title_no for r in big.all("rights")}


def test_filed_contracts_sell_clean_sole_flats_to_someone_else(big: DataSet) -> None:
    contracts = big.all("contracts")
    assert len(contracts) >= 1000  # a benchmark's 1,000 transfers on distinct units
    assert len({c.unit_no for c in contracts}) == len(contracts)
    assert len({c.filing_no for c in contracts}) == len(contracts)
    heavy = {p.id_number for p in heavy_holders(N)}
    units = {u.unit_no: u for u in big.all("units")}
    burdened = {e.unit_id for e in big.all("encumbrances") if e.status == "ACTIVE"}
    current = {r.unit_id: r for r in big.all("rights") if r.current}
    holders = defaultdict(list)
    for h in big.all("holders"):
        holders[h.right_id].append(h.id_number)
    for c in contracts:
        unit = units[c.unit_no]
        right = current[unit.id]
        assert (unit.use, right.co_ownership, unit.id in burdened) == ("住宅", "SOLE", False)
        assert [s.id_number for s in c.sellers] == holders[right.id]
        assert c.buyers[0].id_number not in (c.sellers[0].id_number, *heavy)
        assert c.sellers[0].id_number not in heavy
        assert re.fullmatch(r"FSCL2026\d{9}", c.filing_no)
        assert date(2026, 10, 1) <= c.signed_on <= c.filed_on <= date(2026, 12, 3)
        per_m2 = c.price / unit.building_area
        assert Decimal(6000) < per_m2 < Decimal(23000), (c.price, unit.building_area)
