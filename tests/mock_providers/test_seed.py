"""Seeding the mock register into a database (a local SQLite fixture for now)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from tortoise import Tortoise
from tortoise.backends.base.executor import EXECUTOR_CACHE

from api.infra.crypto import PiiVault
from api.infra.db import tortoise_config
from api.infra.keys import generate_keyring_document, parse_keyring
from api.infra.settings import Env, Settings
from api.providers.register_write import NewHolder, RegisterBatch, Transfer
from mock_providers.banks import MockBankConfirmations
from mock_providers.civil import MockCivilAffairs
from mock_providers.contracts import MockContractFilings
from mock_providers.datagen import demo, demo_records, heavy_holders, iter_chunks
from mock_providers.department_models import (
    ContractPartyRow,
    FiledContractRow,
    MarriageRow,
    RepaymentRow,
)
from mock_providers.identity import MockIdentityProvider
from mock_providers.models import (
    FormerIdNumber,
    IdentityRecord,
    RegisterEncumbrance,
    RegisterHolder,
    RegisterRight,
    RegisterUnit,
)
from mock_providers.registry import MockRegistryProvider
from mock_providers.seed import SeedConflict, seed_demo, seed_large

FACES = Path(__file__).resolve().parents[1] / "fixtures" / "faces"
TABLES = (IdentityRecord, RegisterUnit, RegisterRight, RegisterHolder, RegisterEncumbrance,
          FiledContractRow, ContractPartyRow, MarriageRow, RepaymentRow, FormerIdNumber)


@pytest.fixture
async def mock_db(tmp_path: Path) -> AsyncIterator[None]:
    settings = Settings(app_env=Env.TEST, database_url=f"sqlite://{tmp_path / 'mock.sqlite3'}",
                        var_dir=tmp_path)
    await Tortoise.init(config=tortoise_config(settings))
    await Tortoise.generate_schemas()
    try:
        yield
    finally:
        await Tortoise.close_connections()
        await Tortoise._reset_apps()
        EXECUTOR_CACHE.clear()


@pytest.fixture
def mock_vault() -> PiiVault:
    return PiiVault(parse_keyring(generate_keyring_document("test")))


async def snapshot() -> dict[str, list[tuple]]:
    return {m.__name__: sorted(await m.all().values_list(*m._meta.fields_db_projection))
            for m in TABLES}


async def test_seed_demo_twice_changes_nothing(mock_db: None, mock_vault: PiiVault) -> None:
    first = await seed_demo(mock_vault, FACES)
    before = await snapshot()
    second = await seed_demo(mock_vault, FACES)
    assert first == second == demo.demo_citizens()
    assert await snapshot() == before
    assert len(before["IdentityRecord"]) == 7
    assert len(before["RegisterUnit"]) == 7
    assert (len(before["FiledContractRow"]), len(before["MarriageRow"]),
            len(before["RepaymentRow"]), len(before["FormerIdNumber"])) == (1, 2, 1, 1)


async def test_demo_records_of_the_other_departments(mock_db: None, mock_vault: PiiVault) -> None:
    await seed_demo(mock_vault, FACES)
    registry = MockRegistryProvider(mock_vault)
    contract = await MockContractFilings(mock_vault).filed_contract(demo_records.FILING_NO)
    assert contract is not None
    [flat] = [h for h in await registry.holdings(demo.LIANG_JUNJIE) if h.unit_no == contract.unit_no]
    assert flat.co_ownership == "SOLE"
    assert flat.encumbrances == ()  # the flat without the pre-registration
    assert (contract.status, contract.price, [p.name for p in contract.sellers],
            [p.id_number for p in contract.buyers]) == (
        "FILED", 688000, ["梁俊杰"], [demo.HE_SHIQI])
    marriage = await MockCivilAffairs(mock_vault).marriage_record(demo.LI_HUIMIN)
    assert (marriage.status, marriage.spouse_id_number) == ("MARRIED", demo.CHEN_ZHIQIANG)
    [joint] = [h for h in await registry.holdings(demo.CHEN_ZHIQIANG) if h.co_ownership == "JOINT"]
    repaid = await MockBankConfirmations().repayment_confirmation(joint.encumbrances[0].proof_no)
    assert repaid is not None
    assert repaid.bank == joint.encumbrances[0].party
    identity = MockIdentityProvider(mock_vault)
    luo = await identity.particulars(demo.LUO_JIANHUA)
    assert luo is not None
    assert luo.former_names == (demo_records.LUO_FORMER_NAME,)
    [shop] = await registry.holdings(demo.LUO_JIANHUA)
    assert shop.holders[0].name == demo_records.LUO_FORMER_NAME  # the register has the old name
    old = await identity.particulars(demo_records.LIANG_XIUYING_15)
    assert old is not None
    assert (old.id_number, old.asked_as_former) == (demo.LIANG_XIUYING, True)
    for c in demo.demo_citizens():
        p = await identity.particulars(c.id_number)
        assert p is not None
        assert p.hukou_address


async def test_person_a_holds_three_with_mortgage_and_spouse(mock_db: None,
                                                            mock_vault: PiiVault) -> None:
    await seed_demo(mock_vault, FACES)
    holdings = await MockRegistryProvider(mock_vault).holdings(demo.CHEN_ZHIQIANG)
    assert len(holdings) == 3
    assert sorted(h.use for h in holdings) == ["住宅", "住宅", "车位"]
    joint = next(h for h in holdings if h.co_ownership == "JOINT")
    assert joint.district_code == "440604"
    assert {c.name for c in joint.holders} == {"陈志强", "李慧敏"}
    assert [(e.kind, e.party) for e in joint.encumbrances] == [
        ("MORTGAGE", "中国工商银行股份有限公司佛山分行")]
    assert any(h.district_code == "440605" and h.co_ownership == "SOLE" for h in holdings)


async def test_other_demo_citizens(mock_db: None, mock_vault: PiiVault) -> None:
    await seed_demo(mock_vault, FACES)
    registry = MockRegistryProvider(mock_vault)
    assert await registry.holdings(demo.HE_SHIQI) == []
    [shared] = await registry.holdings(demo.HUANG_GUOLIANG)
    assert shared.co_ownership == "IN_SHARES"
    assert shared.share_percent == 50
    assert [e.kind for e in shared.encumbrances] == ["SEIZURE"]
    assert len(await registry.holdings(demo.LIANG_XIUYING)) == 1
    c_holdings = await registry.holdings(demo.LIANG_JUNJIE)
    assert len(c_holdings) == 2
    assert ["PRE_REGISTRATION"] in [[e.kind for e in h.encumbrances] for h in c_holdings]
    [shop] = await registry.holdings(demo.LUO_JIANHUA)
    assert shop.use == "商业"


async def test_demo_photos_and_phones(mock_db: None, mock_vault: PiiVault) -> None:
    await seed_demo(mock_vault, FACES)
    identity = MockIdentityProvider(mock_vault)
    for c in demo.demo_citizens():
        person = await identity.verify(c.name, c.id_number)
        assert person is not None
        assert person.phone == c.phone
        assert person.gender == c.gender
        photo = await identity.reference_photo(c.id_number)
        assert photo == ((FACES / c.photo).read_bytes() if c.photo else None)


async def test_seed_large_heavy_holder_and_rerun(mock_db: None, mock_vault: PiiVault) -> None:
    seen: list[int] = []
    report = await seed_large(mock_vault, 2000, progress=seen.append, chunk=1000)
    assert seen == [1000, 2000]
    assert report.persons == await IdentityRecord.all().count() == 2000
    assert report.units == await RegisterUnit.all().count()
    assert report.holders == await RegisterHolder.all().count()
    [heavy] = heavy_holders(2000)
    holdings = await MockRegistryProvider(mock_vault).holdings(heavy.id_number)
    assert len(holdings) == 20
    assert await MockIdentityProvider(mock_vault).verify(heavy.name, heavy.id_number)

    assert report.contracts == await FiledContractRow.all().count() > 50
    again = await seed_large(mock_vault, 2000)
    assert (again.persons, again.units, again.skipped_persons, again.contracts) == (
        0, 0, 2000, 0)
    more = await seed_large(mock_vault, 2300)  # resumes after the blocks present
    assert (more.persons, more.skipped_persons) == (300, 2000)
    await seed_demo(mock_vault, FACES)  # the demo set lives beside it
    assert len(await MockRegistryProvider(mock_vault).holdings(demo.CHEN_ZHIQIANG)) == 3


async def test_seed_large_refuses_another_data_set(mock_db: None, mock_vault: PiiVault) -> None:
    await seed_large(mock_vault, 150)
    with pytest.raises(SeedConflict):
        await seed_large(mock_vault, 180)  # persons 100..149 present, 150..179 not
    with pytest.raises(SeedConflict):
        await seed_large(mock_vault, 150, seed=7)
    assert await IdentityRecord.all().count() == 150


class Interrupted(Exception):
    pass


async def test_seed_large_resumes_after_an_interruption(mock_db: None,
                                                         mock_vault: PiiVault) -> None:
    def stop_after_first_chunk(done: int) -> None:
        if done == 100:
            raise Interrupted

    with pytest.raises(Interrupted):
        await seed_large(mock_vault, 300, chunk=100, progress=stop_after_first_chunk)
    assert await IdentityRecord.all().count() == 100
    report = await seed_large(mock_vault, 300, chunk=100)
    assert (report.persons, report.skipped_persons) == (200, 100)
    # the same data set as one uninterrupted run
    assert await RegisterUnit.all().count() == sum(len(c.units) for c in iter_chunks(300))


async def test_generated_contracts_are_on_clean_sole_flats_and_transfer(
        mock_db: None, mock_vault: PiiVault) -> None:
    await seed_large(mock_vault, 300)
    filings, registry = MockContractFilings(mock_vault), MockRegistryProvider(mock_vault)
    numbers = await FiledContractRow.all().values_list("filing_no", flat=True)
    assert len(numbers) >= 10
    contracts = [c for n in numbers if (c := await filings.filed_contract(n)) is not None]
    assert len({c.unit_no for c in contracts}) == len(contracts)
    for c in contracts[:10]:
        [seller], [buyer] = c.sellers, c.buyers
        snap = await registry.unit(c.unit_no)
        assert snap is not None
        assert snap.right is not None
        assert (snap.use, snap.right.co_ownership, snap.encumbrances) == ("住宅", "SOLE", ())
        assert [h.id_number for h in snap.right.holders] == [seller.id_number]
        assert buyer.id_number != seller.id_number
        assert 100_000 < c.price < 20_000_000
    c = contracts[0]
    await registry.register(RegisterBatch(f"T-{c.filing_no}", c.unit_no, (Transfer(
        (NewHolder(c.buyers[0].name, c.buyers[0].id_number),), "SOLE", "买卖", c.filing_no),)),
        lambda _: [])
    assert c.unit_no in {h.unit_no for h in await registry.holdings(c.buyers[0].id_number)}
    assert c.unit_no not in {h.unit_no for h in await registry.holdings(c.sellers[0].id_number)}


async def test_a_set_seeded_before_contracts_gets_them(mock_db: None,
                                                       mock_vault: PiiVault) -> None:
    await seed_large(mock_vault, 200)
    expected = await FiledContractRow.all().count()
    await ContractPartyRow.all().delete()
    await FiledContractRow.all().delete()
    report = await seed_large(mock_vault, 200)
    assert (report.persons, report.contracts) == (0, expected)
    assert await FiledContractRow.all().count() == expected
