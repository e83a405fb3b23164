"""登簿 through the registry provider: every operation, idempotency, the guard (both legs)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from api.providers.register_write import (
    IN_SHARES,
    BatchConflict,
    Correction,
    HolderChange,
    InvalidBatch,
    MortgageCarryOver,
    MortgageRelease,
    NewHolder,
    Objection,
    RegisterBatch,
    RegistrationBlocked,
    TitleReplacement,
    Transfer,
    UnitSnapshot,
)
from api.providers.registry import UnknownUnit
from mock_providers.datagen import demo
from mock_providers.models import (
    RegisterBatchRecord,
    RegisterEvent,
    RegisterObjector,
    RegisterVoidedTitle,
)
from mock_providers.register_write import RegisterWriter
from mock_providers.registry import MockRegistryProvider
from tests.providers.register_helpers import BUYER, allow, clean_unit, demo_units, no_seizure, sale

TITLE = re.compile(r"^粤\(2026\)佛山市不动产权第\d{7}号$")
NOON = datetime(2026, 12, 4, 4, 0, tzinfo=UTC)  # 12:00 in Foshan


def writer(vault: Any) -> RegisterWriter:
    return RegisterWriter(vault, clock=lambda: NOON)


async def all_events() -> list[Any]:
    return list(await RegisterEvent.all().order_by("seq"))


class TestTransfer:
    async def test_the_buyer_holds_it_the_seller_no_longer(self, db: None, vault: Any,
                                                           faces_dir: Path) -> None:
        units = await demo_units(vault, faces_dir)
        registry = MockRegistryProvider(vault)
        before = await registry.unit(units["liang_sanshui"])
        assert before is not None
        assert before.right is not None
        result = await writer(vault).register(sale("CASE-1", units["liang_sanshui"]), allow)
        assert TITLE.match(result.title_no or "")
        assert not result.replayed
        assert [op.kind for op in result.operations] == ["TRANSFER"]

        [bought] = await registry.holdings(demo.HE_SHIQI)
        assert (bought.unit_no, bought.title_no, bought.co_ownership) == (
            units["liang_sanshui"], result.title_no, "SOLE")
        assert [h.name for h in bought.holders] == ["何诗琪"]
        assert units["liang_sanshui"] not in {h.unit_no for h in
                                              await registry.holdings(demo.LIANG_JUNJIE)}
        [event] = await registry.events_since(0)
        assert event.kind == "TRANSFER"
        assert event.seq == result.version
        assert set(event.holder_hashes) == {vault.blind_index(demo.LIANG_JUNJIE),
                                            vault.blind_index(demo.HE_SHIQI)}
        assert event.detail["title_no"] == result.title_no
        assert event.detail["previous_title_no"] == before.right.title_no
        after = await registry.unit(units["liang_sanshui"])
        assert after is not None
        assert after.version == result.version
        assert after.right is not None
        assert after.right.right_id == result.right_id
        # the seller's property id still finds the unit, now under the buyer's right
        moved = await registry.unit_of_right(before.right.right_id)
        assert moved is not None
        assert moved.right is not None
        assert moved.right.right_id == result.right_id

    async def test_a_retry_replays_another_batch_under_the_ref_conflicts(
            self, db: None, vault: Any, faces_dir: Path) -> None:
        units = await demo_units(vault, faces_dir)
        w = writer(vault)
        first = await w.register(sale("CASE-2", units["liang_sanshui"]), allow)
        again = await w.register(sale("CASE-2", units["liang_sanshui"]), allow)
        assert again.replayed
        assert again.title_no == first.title_no
        assert again.operations == first.operations
        assert len(await all_events()) == 1
        with pytest.raises(BatchConflict):
            await w.register(sale("CASE-2", units["liang_sanshui"],
                                  buyers=(NewHolder("罗建华", demo.LUO_JIANHUA),)), allow)
        assert len(await all_events()) == 1

    async def test_a_refusing_guard_writes_nothing(self, db: None, vault: Any,
                                                   faces_dir: Path) -> None:
        units = await demo_units(vault, faces_dir)
        registry = MockRegistryProvider(vault)
        before = await registry.unit(units["huang_seized"])
        seen: list[UnitSnapshot] = []

        def guard(snap: UnitSnapshot) -> list[str]:
            seen.append(snap)
            return no_seizure(snap)

        batch = sale("CASE-3", units["huang_seized"],
                     buyers=(NewHolder("何诗琪", demo.HE_SHIQI),))
        with pytest.raises(RegistrationBlocked) as blocked:
            await writer(vault).register(batch, guard)
        assert blocked.value.reasons == ("R07 查封",)
        assert [e.kind for e in seen[0].encumbrances] == ["SEIZURE"]
        after = await registry.unit(units["huang_seized"])
        assert after is not None
        assert before is not None
        assert (after.right, after.encumbrances, after.version) == (
            before.right, before.encumbrances, before.version)
        assert await all_events() == []
        assert not await RegisterBatchRecord.exists(case_ref="CASE-3")

    async def test_the_guard_sees_a_seizure_recorded_after_acceptance(
            self, db: None, vault: Any) -> None:
        unit = await clean_unit(vault, 1)
        registry = MockRegistryProvider(vault)
        await registry.record_event(unit, "SEIZURE", {"party": "佛山市禅城区人民法院"})
        with pytest.raises(RegistrationBlocked):
            await registry.register(sale("CASE-4", unit), no_seizure)
        snap = await registry.unit(unit)
        assert snap is not None
        assert snap.version == (await all_events())[-1].seq

    async def test_unknown_unit(self, db: None, vault: Any) -> None:
        registry = MockRegistryProvider(vault)
        assert await registry.unit("440604999999GB99999F99999999") is None
        assert await registry.unit_of_right("not-a-uuid") is None
        with pytest.raises(UnknownUnit):
            await registry.register(sale("CASE-5", "440604999999GB99999F99999999"), allow)

    async def test_shares_must_add_up_and_are_registered(self, db: None, vault: Any) -> None:
        unit = await clean_unit(vault, 2)
        w = writer(vault)
        buyers = (NewHolder("何诗琪", demo.HE_SHIQI, Decimal("60")),
                  NewHolder("罗建华", demo.LUO_JIANHUA, Decimal("30")))
        bad = RegisterBatch("CASE-6", unit, (Transfer(buyers, IN_SHARES, "买卖"),))
        with pytest.raises(InvalidBatch) as err:
            await w.register(bad, allow)
        assert err.value.code == "BAD_HOLDERS"
        buyers = (buyers[0], NewHolder("罗建华", demo.LUO_JIANHUA, Decimal("40")))
        await w.register(RegisterBatch("CASE-6", unit, (Transfer(buyers, IN_SHARES, "赠与"),)),
                         allow)
        [held] = await MockRegistryProvider(vault).holdings(demo.LUO_JIANHUA)
        assert (held.co_ownership, held.share_percent) == ("IN_SHARES", Decimal("40.00"))


class TestMortgagedSale:
    """陈志强 and 李慧敏's jointly owned flat carries an ICBC mortgage."""

    async def test_a_transfer_must_say_what_happens_to_the_mortgage(
            self, db: None, vault: Any, faces_dir: Path) -> None:
        units = await demo_units(vault, faces_dir)
        with pytest.raises(InvalidBatch) as err:
            await writer(vault).register(sale("CASE-7", units["chen_joint"]), allow)
        assert err.value.code == "MORTGAGE_UNHANDLED"
        with pytest.raises(InvalidBatch) as err:
            await writer(vault).register(sale("CASE-7", units["chen_joint"], MortgageRelease(
                "粤(2019)佛山市不动产证明第0000000号")), allow)
        assert err.value.code == "MORTGAGE_NOT_FOUND"
        assert await all_events() == []

    async def test_released_in_the_same_batch(self, db: None, vault: Any,
                                              faces_dir: Path) -> None:
        units = await demo_units(vault, faces_dir)
        registry = MockRegistryProvider(vault)
        snap = await registry.unit(units["chen_joint"])
        assert snap is not None
        [mortgage] = snap.encumbrances
        result = await writer(vault).register(sale("CASE-8", units["chen_joint"], MortgageRelease(
            mortgage.proof_no, evidence_ref="JQ-1")), allow)
        assert [op.kind for op in result.operations] == ["MORTGAGE_RELEASE", "TRANSFER"]
        [bought] = await registry.holdings(demo.HE_SHIQI)
        assert bought.encumbrances == ()
        kinds = [(e.kind, e.detail.get("proof_no")) for e in await registry.events_since(0)]
        assert kinds == [("MORTGAGE_RELEASE", mortgage.proof_no), ("TRANSFER", None)]
        assert len(await registry.holdings(demo.CHEN_ZHIQIANG)) == 2
        assert await registry.holdings(demo.LI_HUIMIN) == []

    async def test_carried_over_with_consent(self, db: None, vault: Any, faces_dir: Path) -> None:
        units = await demo_units(vault, faces_dir)
        registry = MockRegistryProvider(vault)
        snap = await registry.unit(units["chen_joint"])
        assert snap is not None
        proof = snap.encumbrances[0].proof_no
        result = await writer(vault).register(sale("CASE-9", units["chen_joint"], MortgageCarryOver(
            proof, consent_ref="ICBC-TY-2026-0001")), allow)
        [bought] = await registry.holdings(demo.HE_SHIQI)
        [kept] = bought.encumbrances
        assert (kept.proof_no, kept.consent_ref, kept.status) == (proof, "ICBC-TY-2026-0001",
                                                                  "ACTIVE")
        events = await registry.events_since(0)
        assert [e.kind for e in events] == ["TRANSFER", "MORTGAGE_CARRY_OVER"]
        assert events[1].detail["title_no"] == result.title_no
        assert events[1].holder_hashes == (vault.blind_index(demo.HE_SHIQI),)


class TestOtherOperations:
    async def test_holder_change_new_name_number_address_and_title(
            self, db: None, vault: Any) -> None:
        unit = await clean_unit(vault, 3, holder=("梁俊杰", demo.LIANG_JUNJIE))
        registry = MockRegistryProvider(vault)
        before = await registry.unit(unit)
        assert before is not None
        assert before.right is not None
        change = HolderChange(demo.LIANG_JUNJIE, new_name="梁俊哲",
                              new_id_number=demo.LUO_JIANHUA, new_address="佛山市禅城区新址1号")
        result = await writer(vault).register(RegisterBatch("CASE-10", unit, (change,)), allow)
        assert result.right_id == before.right.right_id
        assert result.title_no != before.right.title_no
        assert TITLE.match(result.title_no or "")
        assert await registry.holdings(demo.LIANG_JUNJIE) == []
        [held] = await registry.holdings(demo.LUO_JIANHUA)
        assert (held.holders[0].name, held.holders[0].address) == ("梁俊哲", "佛山市禅城区新址1号")
        voided = await RegisterVoidedTitle.get(title_no=before.right.title_no)
        assert (voided.reason, voided.replaced_by) == ("HOLDER_CHANGE", result.title_no)
        [event] = await registry.events_since(0)
        assert event.kind == "HOLDER_CHANGE"
        assert set(event.holder_hashes) == {vault.blind_index(demo.LIANG_JUNJIE),
                                            vault.blind_index(demo.LUO_JIANHUA)}
        assert "梁" not in str(event.detail)
        with pytest.raises(InvalidBatch) as err:  # the old number holds nothing any more
            await registry.register(RegisterBatch("CASE-11", unit, (change,)), allow)
        assert err.value.code == "HOLDER_NOT_FOUND"

    async def test_correction_keeps_old_and_new_value(self, db: None, vault: Any) -> None:
        unit = await clean_unit(vault, 4)
        registry = MockRegistryProvider(vault)
        with pytest.raises(InvalidBatch):
            await registry.register(RegisterBatch("CASE-12", unit, (
                Correction("title_no", "x", "测绘错误"),)), allow)
        await registry.register(RegisterBatch("CASE-12", unit, (
            Correction("building_area", "91.3", "测绘成果更正"),)), allow)
        snap = await registry.unit(unit)
        assert snap is not None
        assert snap.building_area == Decimal("91.30")
        [event] = await registry.events_since(0)
        assert (event.kind, event.detail["old"], event.detail["new"]) == (
            "CORRECTION", "90.00", "91.30")

    async def test_objection_lapses_after_15_days(self, db: None, vault: Any) -> None:
        unit = await clean_unit(vault, 5)
        result = await writer(vault).register(RegisterBatch("CASE-13", unit, (
            Objection("王小明", demo.HE_SHIQI, "主张系共同出资购买"),)), allow)
        snap = await MockRegistryProvider(vault).unit(unit)
        assert snap is not None
        [objection] = snap.encumbrances
        assert (objection.kind, objection.party, objection.starts_on, objection.ends_on) == (
            "OBJECTION", "王**", date(2026, 12, 4), date(2026, 12, 19))
        assert objection.proof_no == result.operations[0].proof_no
        objector = await RegisterObjector.get(encumbrance__proof_no=objection.proof_no)
        assert objector.party_hash == vault.blind_index(demo.HE_SHIQI)
        assert "王小明" not in objector.name_enc

    async def test_title_replacement_voids_the_old_number(self, db: None, vault: Any) -> None:
        unit = await clean_unit(vault, 6)
        registry = MockRegistryProvider(vault)
        before = await registry.unit(unit)
        assert before is not None
        assert before.right is not None
        with pytest.raises(InvalidBatch):
            await registry.register(RegisterBatch("CASE-14", unit, (TitleReplacement("STOLEN"),)),
                                    allow)
        result = await registry.register(RegisterBatch("CASE-14", unit, (
            TitleReplacement("LOST"),)), allow)
        assert result.right_id == before.right.right_id
        assert result.title_no != before.right.title_no
        assert (await RegisterVoidedTitle.get(title_no=before.right.title_no)).reason == "LOST"
        [held] = await registry.holdings(demo.LIANG_JUNJIE)  # clean_unit's default holder
        assert held.title_no == result.title_no

    async def test_batch_shape_is_checked_before_anything(self, db: None, vault: Any) -> None:
        unit = await clean_unit(vault, 7)
        registry = MockRegistryProvider(vault)
        cases = {
            "EMPTY_BATCH": RegisterBatch("C", unit, ()),
            "CARRY_OVER_WITHOUT_TRANSFER": RegisterBatch("C", unit, (
                MortgageCarryOver("p", "c"),)),
            "CONFLICTING_OPERATIONS": sale("C", unit, TitleReplacement("LOST")),
            "BAD_TRANSFER": RegisterBatch("C", unit, (Transfer((BUYER,), "SOLE", "互换"),)),
            "BAD_HOLDERS": RegisterBatch("C", unit, (Transfer((BUYER, BUYER), "JOINT", "买卖"),)),
        }
        for code, batch in cases.items():
            with pytest.raises(InvalidBatch) as err:
                await registry.register(batch, allow)
            assert err.value.code == code
        assert await all_events() == []
