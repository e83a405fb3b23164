"""What each certificate kind says about the citizen's holdings as a whole.

One wording for the PDF, the verification pages, the API's facts and the QR
statement (issue 12 item 1): a certificate of a selection never states a
total, and says "部分不动产，非名下全部" wherever it is read. Only the whole
kinds (all holdings, or none) may back a school-enrolment or purchase-limit
check (住房限购 counts every home).
"""

from __future__ import annotations

HOLDINGS = "HOLDINGS"
PARTIAL_HOLDINGS = "PARTIAL_HOLDINGS"
NO_HOLDINGS = "NO_HOLDINGS"

TITLES = {HOLDINGS: "不动产登记查询结果证明", PARTIAL_HOLDINGS: "部分不动产登记查询结果证明",
          NO_HOLDINGS: "无房证明"}
PARTIAL_STATEMENT = "部分不动产，非名下全部"
SCOPES = {HOLDINGS: "名下全部不动产", PARTIAL_HOLDINGS: PARTIAL_STATEMENT,
          NO_HOLDINGS: "名下无不动产"}
WHOLE_KINDS = frozenset({HOLDINGS, NO_HOLDINGS})
# Purposes a partial certificate cannot serve: they count every property.
WHOLE_ONLY_PURPOSES = frozenset({"SCHOOL_ENROLMENT", "HOUSE_PURCHASE"})

RELIANCE = ("子女入学、购房资格（限购）等须核查名下全部不动产的事项，只能采信无房证明或"
            "载明名下全部不动产的查询结果证明，不能采信部分不动产证明。")
PARTIAL_EXPLAINED = "只载明申请人选择的不动产，不表明申请人名下不动产的总数"
PARTIAL_WARNING = f"本证明为部分不动产证明（{PARTIAL_STATEMENT}）：{PARTIAL_EXPLAINED}。"
PARTIAL_SCOPE_NOTE = ("所列不动产均登记于佛山市（禅城区、南海区、顺德区、三水区、高明区）"
                      "不动产登记簿；本证明不是申请人名下全部不动产的查询结果。")


def covers_all(kind: str) -> bool:
    return kind in WHOLE_KINDS
