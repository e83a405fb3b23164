"""The mock departments the online applications ask: 住建, 民政, 电子证照, banks, 公安 particulars."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from api.providers.answers import answer_sha256
from api.providers.contracts import ContractParty
from api.providers.licences import PROPERTY_TITLE, LicenceConflict
from mock_providers.banks import MockBankConfirmations
from mock_providers.civil import MockCivilAffairs
from mock_providers.contracts import ContractSpec, MockContractFilings
from mock_providers.datagen import demo
from mock_providers.department_models import ContractPartyRow, MarriageRow
from mock_providers.identity import MockIdentityProvider
from mock_providers.licences import MockLicenceLibrary

SELLER = ContractParty("梁俊杰", demo.LIANG_JUNJIE)
UNIT = "440607001999GB00005F00051203"


def spec(filing_no: str, filed_on: date, *buyers: ContractParty) -> ContractSpec:
    return ContractSpec(id=uuid.uuid5(uuid.NAMESPACE_URL, filing_no), filing_no=filing_no,
                        unit_no=UNIT, price=Decimal("1080000.00"), signed_on=filed_on,
                        filed_on=filed_on, sellers=(SELLER,),
                        buyers=buyers or (ContractParty("何诗琪", demo.HE_SHIQI),),
                        buyer_co_ownership="SOLE" if len(buyers) <= 1 else "IN_SHARES")


class TestContracts:
    async def test_filed_contract_with_parties_and_a_stable_hash(self, db: None,
                                                                 vault: Any) -> None:
        filings = MockContractFilings(vault)
        assert await filings.file([spec("FSCL20260000001", date(2026, 11, 20))]) == 1
        assert await filings.file([spec("FSCL20260000001", date(2026, 11, 20))]) == 0
        first = await filings.filed_contract("FSCL20260000001")
        again = await filings.filed_contract(" FSCL20260000001 ")
        assert first is not None
        assert again is not None
        assert (first.status, first.unit_no, first.price) == ("FILED", UNIT, Decimal("1080000"))
        assert first.sellers == (SELLER,)
        assert [b.name for b in first.buyers] == ["何诗琪"]
        assert first.sha256 == again.sha256 == answer_sha256(first)
        assert first.fetched_at <= again.fetched_at
        assert await filings.filed_contract("FSCL29990000000") is None
        row = await ContractPartyRow.filter(role="SELLER").first()
        assert row is not None
        assert "梁俊杰" not in row.name_enc
        assert row.party_hash == vault.blind_index(demo.LIANG_JUNJIE)

    async def test_contracts_for_unit_newest_first_and_cancelling(self, db: None,
                                                                  vault: Any) -> None:
        filings = MockContractFilings(vault)
        shares = (ContractParty("何诗琪", demo.HE_SHIQI, Decimal("70")),
                  ContractParty("罗建华", demo.LUO_JIANHUA, Decimal("30")))
        await filings.file([spec("FSCL20250000007", date(2025, 3, 1)),
                            spec("FSCL20260000008", date(2026, 11, 2), *shares)])
        newest, older = await filings.contracts_for_unit(UNIT)
        assert (newest.filing_no, newest.buyer_co_ownership) == ("FSCL20260000008", "IN_SHARES")
        assert [b.share_percent for b in newest.buyers] == [Decimal("70"), Decimal("30")]
        before = older.sha256
        assert await filings.cancel("FSCL20250000007", date(2025, 4, 1))
        assert not await filings.cancel("FSCL20250000007", date(2025, 4, 2))
        cancelled = await filings.filed_contract("FSCL20250000007")
        assert cancelled is not None
        assert (cancelled.status, cancelled.cancelled_on) == ("CANCELLED", date(2025, 4, 1))
        assert cancelled.sha256 != before
        assert await filings.contracts_for_unit("440604000000GB00000F00000000") == []


class TestCivilAffairs:
    async def test_marriage_both_ways_divorce_and_death(self, db: None, vault: Any) -> None:
        civil = MockCivilAffairs(vault)
        chen, li = ("陈志强", demo.CHEN_ZHIQIANG), ("李慧敏", demo.LI_HUIMIN)
        single = await civil.marriage_record(demo.HE_SHIQI)
        assert (single.status, single.spouse_id_number, single.married_on) == (
            "UNMARRIED", None, None)
        assert single.sha256 == answer_sha256(single)
        assert await civil.register_marriage(chen, li, date(1992, 10, 1))
        assert not await civil.register_marriage(chen, li, date(1992, 10, 1))
        for me, spouse in ((chen, li), (li, chen)):
            record = await civil.marriage_record(me[1])
            assert (record.status, record.spouse_name, record.spouse_id_number,
                    record.married_on) == ("MARRIED", spouse[0], spouse[1], date(1992, 10, 1))
        assert all(spouse not in r.spouse_name_enc for r in await MarriageRow.all()
                   for spouse in ("陈志强", "李慧敏"))

        assert await civil.register_divorce(demo.CHEN_ZHIQIANG, date(2020, 5, 6)) == 2
        divorced = await civil.marriage_record(demo.LI_HUIMIN)
        assert (divorced.status, divorced.ended_on) == ("DIVORCED", date(2020, 5, 6))

        alive = await civil.death_record(demo.LIANG_XIUYING)
        assert (alive.deceased, alive.died_on) == (False, None)
        await civil.register_marriage(chen, ("梁秀英", demo.LIANG_XIUYING), date(2022, 1, 8))
        assert await civil.register_death("梁秀英", demo.LIANG_XIUYING, date(2026, 3, 2),
                                          "S440606202600123")
        dead = await civil.death_record(demo.LIANG_XIUYING.lower())
        assert (dead.deceased, dead.name, dead.died_on) == (True, "梁秀英", date(2026, 3, 2))
        assert (await civil.marriage_record(demo.CHEN_ZHIQIANG)).status == "WIDOWED"


class TestLicences:
    async def test_registration_is_idempotent_by_number(self, db: None, vault: Any) -> None:
        library = MockLicenceLibrary(vault)
        at, pdf = datetime(2026, 12, 4, 3, tzinfo=UTC), hashlib.sha256(b"pdf").hexdigest()
        number = "粤(2026)佛山市不动产权第1234567号"
        first = await library.register_licence(PROPERTY_TITLE, number,
                                                [demo.HE_SHIQI, demo.LUO_JIANHUA], at, pdf)
        again = await library.register_licence(PROPERTY_TITLE, number,
                                                [demo.HE_SHIQI, demo.LUO_JIANHUA], at, pdf)
        assert first == again
        assert (first.type_name, first.status) == ("不动产权证书", "VALID")
        with pytest.raises(LicenceConflict):
            await library.register_licence(PROPERTY_TITLE, number, [demo.HE_SHIQI], at, pdf)
        with pytest.raises(ValueError, match="required"):
            await library.register_licence(PROPERTY_TITLE, "x", [], at, pdf)
        assert [lic.number for lic in await library.licences_of(demo.LUO_JIANHUA)] == [number]
        assert await library.licences_of(demo.CHEN_ZHIQIANG) == []
        revoked = await library.revoke_licence(number, "转移登记，证书作废")
        assert revoked is not None
        assert revoked.status == "REVOKED"
        assert await library.licences_of(demo.HE_SHIQI) == []
        assert len(await library.licences_of(demo.HE_SHIQI, include_revoked=True)) == 1
        assert await library.revoke_licence("none", "x") is None


class TestBanks:
    async def test_repayment_confirmation_and_its_document(self, db: None) -> None:
        banks = MockBankConfirmations()
        proof = "粤(2019)佛山市不动产证明第9900010号"
        assert await banks.repayment_confirmation(proof) is None
        assert await banks.confirm(proof_no=proof, bank="中国工商银行股份有限公司佛山分行",
                                   repaid_on=date(2026, 11, 28), document_no="ICBC-JQ-1",
                                   confirmed_at=datetime(2026, 11, 28, 8, tzinfo=UTC))
        answer = await banks.repayment_confirmation(proof)
        assert answer is not None
        assert (answer.confirmed, answer.bank, answer.repaid_on) == (
            True, "中国工商银行股份有限公司佛山分行", date(2026, 11, 28))
        document = await banks.repayment_document(answer.document_no)
        assert document is not None
        assert hashlib.sha256(document).hexdigest() == answer.document_sha256
        assert proof in document.decode()
        assert answer.sha256 == answer_sha256(answer)


class TestParticulars:
    async def test_former_name_and_former_number_find_today(self, db: None, vault: Any) -> None:
        identity = MockIdentityProvider(vault)
        await identity.register(name="罗建华", id_number=demo.LUO_JIANHUA, gender="M",
                                phone="13925001107")
        assert await identity.particulars(demo.HE_SHIQI) is None
        plain = await identity.particulars(demo.LUO_JIANHUA)
        assert plain is not None
        assert (plain.name, plain.former_names, plain.hukou_address) == ("罗建华", (), None)
        history = identity.history
        assert await history.set_particulars(demo.LUO_JIANHUA, hukou_address="佛山市高明区荷城街道",
                                             former_names=["罗建文"])
        old15 = demo.LUO_JIANHUA[:6] + demo.LUO_JIANHUA[8:17]
        assert await history.add_former_id_number(demo.LUO_JIANHUA, old15,
                                                  changed_on=date(2004, 7, 1),
                                                  reason="UPGRADE_15")
        assert await history.add_former_id_number(demo.LUO_JIANHUA, old15,
                                                  changed_on=date(2004, 7, 1),
                                                  reason="UPGRADE_15")
        today = await identity.particulars(old15)
        assert today is not None
        assert (today.id_number, today.name, today.former_names, today.former_id_numbers,
                today.asked_as_former) == (demo.LUO_JIANHUA, "罗建华", ("罗建文",), (old15,), True)
        assert today.sha256 == answer_sha256(today)
        # re-registering the person (e.g. a new phone) keeps the particulars
        await identity.register(name="罗建华", id_number=demo.LUO_JIANHUA, gender="M",
                                phone="13925009999")
        kept = await identity.particulars(demo.LUO_JIANHUA)
        assert kept is not None
        assert (kept.hukou_address, kept.former_names) == ("佛山市高明区荷城街道", ("罗建文",))
        assert not await history.set_particulars(demo.HE_SHIQI, hukou_address="x")
