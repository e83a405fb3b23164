"""What the other departments hold about the demo citizens (README: demo citizens).

- 住建: a FILED resale contract: 梁俊杰 sells his sole-owned 三水 flat (恒大名都5座1203房,
  the one without a pre-registration) to 何诗琪 for 688,000 元.
- 民政: 陈志强 and 李慧敏 married on 1992-10-01.
- ICBC: the mortgage on their jointly owned 禅城 flat (怡翠花园3座1502房) is repaid,
  confirmed with a 结清证明 (an owner's 抵押权注销 case).
- 公安: every demo citizen's 户籍 address; 罗建华 was 罗建文 until 2021 and the
  register still shows his 高明 shop under the old name (a 变更 case);
  梁秀英's first ID card had the 15-digit number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from api.providers.contracts import ContractParty
from mock_providers import numbering
from mock_providers.datagen import demo
from mock_providers.datagen.specs import ContractSpec, make_id

FILING_NO = numbering.filing_no(2026, 990_000_001)
LUO_FORMER_NAME = "罗建文"
LIANG_XIUYING_15 = "440606310418944"  # her ID number before the 18-digit upgrade


def _sanshui_flat() -> str:
    [block] = [b for b in demo.demo_properties() if "三水" in b.units[0].address]
    return block.units[0].unit_no


def demo_contracts() -> list[ContractSpec]:
    return [ContractSpec(
        id=make_id("demo", "contract", 1), filing_no=FILING_NO, unit_no=_sanshui_flat(),
        price=Decimal("688000.00"), signed_on=date(2026, 11, 20), filed_on=date(2026, 11, 21),
        sellers=(ContractParty("梁俊杰", demo.LIANG_JUNJIE),),
        buyers=(ContractParty("何诗琪", demo.HE_SHIQI),), buyer_co_ownership="SOLE")]


def demo_marriages() -> list[tuple[tuple[str, str], tuple[str, str], date]]:
    return [(("陈志强", demo.CHEN_ZHIQIANG), ("李慧敏", demo.LI_HUIMIN), date(1992, 10, 1))]


@dataclass(frozen=True)
class Repayment:
    proof_no: str
    bank: str
    repaid_on: date
    confirmed_at: datetime
    document_no: str


def demo_repayments() -> list[Repayment]:
    [block] = [b for b in demo.demo_properties()
               if any(e.kind == "MORTGAGE" for e in b.encumbrances)]
    mortgage = block.encumbrances[0]
    return [Repayment(proof_no=mortgage.proof_no, bank=mortgage.party,
                      repaid_on=date(2026, 11, 28),
                      confirmed_at=datetime(2026, 11, 28, 7, 30, tzinfo=UTC),
                      document_no="ICBC-FS-JQ-2026-0001128")]


@dataclass(frozen=True)
class Particulars:
    id_number: str
    hukou_address: str
    former_names: tuple[str, ...] = ()
    former_id_numbers: tuple[tuple[str, date, str], ...] = ()  # (number, changed on, reason)


def demo_particulars() -> list[Particulars]:
    return [
        Particulars(demo.CHEN_ZHIQIANG, "广东省佛山市禅城区祖庙街道季华五路23号怡翠花园3座1502房"),
        Particulars(demo.LI_HUIMIN, "广东省佛山市禅城区祖庙街道季华五路23号怡翠花园3座1502房"),
        Particulars(demo.HUANG_GUOLIANG, "广东省佛山市顺德区大良街道德胜东路3号碧桂园18座802房"),
        Particulars(demo.LIANG_XIUYING, "广东省佛山市顺德区大良街道德胜东路3号碧桂园18座802房",
                    former_id_numbers=((LIANG_XIUYING_15, date(2005, 3, 1), "UPGRADE_15"),)),
        Particulars(demo.LIANG_JUNJIE, "广东省佛山市三水区西南街道三水大道中38号恒大名都5座1203房"),
        Particulars(demo.HE_SHIQI, "湖南省长沙市芙蓉区五一大道235号"),
        Particulars(demo.LUO_JIANHUA, "广东省佛山市高明区荷城街道沧江路128号",
                    former_names=(LUO_FORMER_NAME,)),
    ]


__all__ = ["FILING_NO", "Particulars", "Repayment", "demo_contracts", "demo_marriages",
           "demo_particulars", "demo_repayments"]
