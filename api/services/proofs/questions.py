"""The questions a third party may ask about a citizen, and how each is answered.

Owns (issue 9, issue 12 item 3):
- which parameters each question takes: exactly those, each required and
  checked at request time, stored verbatim and shown verbatim on the consent
  screen (``pendingProofRequests.parameters``);
- matching: an address question matches the register's whole address after
  normalisation (full-width forms, spaces, a leading 广东省/佛山市), or a unit
  number exactly; never a substring, so a request cannot fish with "佛";
- disclosure: the fields an answer may carry are those of the purpose that
  the question can produce; they are fixed on the request when it is made
  (the consent screen lists them) and the answer never carries more.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from api.providers.registry import Holding
from api.services.platform import DISTRICT_NAMES
from api.services.proofs.errors import ProofParametersInvalid
from api.services.properties.holdings import is_seized

QUESTIONS = {
    "HOLDS_RESIDENCE_IN_DISTRICT": "申请人是否在指定行政区持有住宅",
    "HOLDS_RESIDENCE_AT_ADDRESS": "申请人是否持有指定地址（或不动产单元号）的住宅",
    "HOLDS_NO_PROPERTY": "申请人在佛山市是否无不动产",
    "UNIT_FREE_OF_SEIZURE": "申请人持有的指定不动产单元是否未被查封",
}
PARAMETER_LABELS = {"district": "行政区划代码", "address": "房屋坐落（完整地址）",
                    "unitNo": "不动产单元号"}
# Each question's parameter sets: exactly one of them, complete, nothing else.
PARAMETERS: dict[str, tuple[frozenset[str], ...]] = {
    "HOLDS_RESIDENCE_IN_DISTRICT": (frozenset({"district"}),),
    "HOLDS_RESIDENCE_AT_ADDRESS": (frozenset({"address"}), frozenset({"unitNo"})),
    "HOLDS_NO_PROPERTY": (frozenset(),),
    "UNIT_FREE_OF_SEIZURE": (frozenset({"unitNo"}),),
}
# What each question can say beyond yes/no.
QUESTION_FIELDS = {"HOLDS_RESIDENCE_IN_DISTRICT": ("answer", "address", "share"),
                   "HOLDS_RESIDENCE_AT_ADDRESS": ("answer", "address", "share"),
                   "HOLDS_NO_PROPERTY": ("answer",), "UNIT_FREE_OF_SEIZURE": ("answer",)}
MAX_ADDRESS = 120
_UNIT_NO_LENGTH = 28


@dataclass(frozen=True)
class Parameter:
    name: str
    label: str
    value: str  # verbatim, as the client sent it
    meaning: str | None  # e.g. the district's name for its code


def _needs(question: str) -> str:
    options = [" + ".join(sorted(s)) or "无参数" for s in PARAMETERS[question]]
    return "该问题的参数应为：" + " 或 ".join(options)


def check_parameters(question: str, params: dict[str, Any]) -> dict[str, str]:
    """The parameters to store (only those given), or ProofParametersInvalid."""
    given = {k: v for k, v in params.items() if v is not None}
    if set(given) not in PARAMETERS[question]:
        raise ProofParametersInvalid(message=f"查询参数不符合该问题的要求。{_needs(question)}")
    if "district" in given and given["district"] not in DISTRICT_NAMES:
        raise ProofParametersInvalid(message="district 应为佛山市的行政区划代码："
                                     + "、".join(f"{c}（{n}）" for c, n in DISTRICT_NAMES.items()))
    if "address" in given and not 0 < len(normalise_address(given["address"])) <= MAX_ADDRESS:
        raise ProofParametersInvalid(
            message=f"address 应为完整的房屋坐落（不超过 {MAX_ADDRESS} 个字），与登记簿记载整体比对")
    if "unitNo" in given and len(normalise_unit_no(given["unitNo"])) != _UNIT_NO_LENGTH:
        raise ProofParametersInvalid(message="unitNo 应为 28 位不动产单元号")
    return {k: str(v) for k, v in given.items()}


def parameters(params: dict[str, Any]) -> list[Parameter]:
    return [Parameter(name=k, label=PARAMETER_LABELS.get(k, k), value=str(v),
                      meaning=DISTRICT_NAMES.get(str(v)) if k == "district" else None)
            for k, v in params.items()]


def disclosed_fields(question: str, purpose_fields: tuple[str, ...]) -> list[str]:
    """The purpose's fields that this question can produce (the consent screen's list)."""
    return [f for f in purpose_fields if f in QUESTION_FIELDS[question]]


def normalise_address(text: str) -> str:
    flat = "".join(unicodedata.normalize("NFKC", str(text)).split())
    for prefix in ("广东省", "佛山市"):
        flat = flat.removeprefix(prefix)
    return flat


def normalise_unit_no(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", str(text)).split()).upper()


def _share(h: Holding, me: str) -> str:
    if h.co_ownership == "SOLE":
        return "100%"
    if h.co_ownership == "JOINT":
        return "共同共有"
    mine = next((x.share_percent for x in h.holders if x.id_number == me), None)
    return f"{mine.normalize():f}%" if mine is not None else "按份共有"


def _residence(question: str, params: dict[str, Any], homes: list[Holding]) -> Holding | None:
    if question == "HOLDS_RESIDENCE_IN_DISTRICT":
        return next((h for h in homes if h.district_code == params.get("district")), None)
    if "unitNo" in params:
        unit = normalise_unit_no(params["unitNo"])
        return next((h for h in homes if h.unit_no == unit), None)
    wanted = normalise_address(params.get("address", ""))
    return next((h for h in homes if wanted and normalise_address(h.address) == wanted), None)


def evaluate(question: str, params: dict[str, Any], holdings: list[Holding],
             me: str) -> dict[str, Any]:
    """The full answer; the request's disclosed fields are applied afterwards."""
    if question == "UNIT_FREE_OF_SEIZURE":
        unit_no = normalise_unit_no(params.get("unitNo", ""))
        unit = next((h for h in holdings if h.unit_no == unit_no), None)
        return {"answer": unit is not None and not is_seized(unit)}
    if question == "HOLDS_NO_PROPERTY":
        return {"answer": not holdings}
    match = _residence(question, params, [h for h in holdings if h.use == "住宅"])
    if match is None:
        return {"answer": False}
    return {"answer": True, "address": match.address, "share": _share(match, me)}
