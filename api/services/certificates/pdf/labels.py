"""What the layout prints besides the content: titles' companions (labels, column
heads, the fixed findings and notes) and how values are written (dates in Asia/Shanghai,
areas, long unit numbers, co-ownership, restrictions). The legal wording shared with
issuing and verification is ``api.services.certificates.wording``."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from api.services.certificates import wording
from api.services.certificates.pdf.content import CertificateContent, HoldingRow
from api.services.certificates.seal_image import SEAL_NAME, SEAL_TEXT
from api.services.certificates.wording import NO_HOLDINGS, TITLES

SHANGHAI = ZoneInfo("Asia/Shanghai")

COLUMNS = ("序号", "不动产单元号", "不动产权证书号", "坐落", "用途", "面积㎡", "共有情况",
           "权利限制")
NO_HOLDINGS_FINDING = "经查询，截至证明出具时，申请人在佛山市范围内无不动产登记记录。"
ISSUER_LINE = f"{SEAL_NAME}（盖章）"
CLOSING = "特此证明。"
LABELS = ("申请人", "证件号码", "查询目的", "出具时间", "有效期至", "登记记录", "证明编号",
          "验证码", "核验网址", "扫码核验", "说明", "（续）")
PARTIAL_FINDING = "经查询，截至证明出具时，下表所列由申请人选择的不动产登记在申请人名下。"
BOLD_TEMPLATE = ("".join(TITLES.values()) + "".join(LABELS) + "".join(COLUMNS) + SEAL_TEXT
                 + NO_HOLDINGS_FINDING + wording.PARTIAL_WARNING + "：处无")


def holdings_finding(count: int) -> str:
    return f"经查询，截至证明出具时，申请人在佛山市范围内登记的不动产共 {count} 处，详见下表。"


def notes(c: CertificateContent) -> list[str]:
    lines = [
        "本证明仅反映出具时不动产登记簿记载的情况；出具后登记簿记载发生变化的，以登记簿最新记载为准。",
        f"本证明有效期至{when(c.valid_until)}，逾期请重新申请；仅供“{c.purpose}”使用。",
        "本证明可通过扫描二维码，或登录核验网址输入证明编号和验证码，核验真伪及当前状态。",
        f"本证明已加盖{SEAL_NAME}电子印章，任何修改均将导致电子印章验证失败。"
        "申请人证件号码已作脱敏处理。",
    ]
    if c.kind == NO_HOLDINGS:
        lines.insert(1, "本证明仅说明申请人在上述查询范围内的不动产登记情况，不反映其在其他地区的情况。")
    lines.insert(1, wording.RELIANCE)
    return [f"{i}. {text}" for i, text in enumerate(lines, start=1)]


def template_strings() -> list[str]:
    """Everything the layout may print in the regular weight apart from the content."""
    return [*TITLES.values(), *LABELS, ISSUER_LINE, CLOSING, holdings_finding(0),
            PARTIAL_FINDING, wording.PARTIAL_STATEMENT, wording.RELIANCE,
            "第页共年月日时分处", "“”（）：，。；、", "单独所有共同共有按份共有"]


def when(dt: datetime, *, time: bool = True) -> str:
    if dt.tzinfo is None:
        raise ValueError("certificate datetimes must be timezone-aware")
    local = dt.astimezone(SHANGHAI)
    text = f"{local.year}年{local.month:02d}月{local.day:02d}日"
    return f"{text} {local:%H:%M}" if time else text


def area(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01')):,}"


def unit_no(value: str) -> str:
    # A 28-character unit number (6 district + 6 cadastral zone + 7 parcel + 9 building)
    # does not fit one line of its column: break it after the zone, where it reads best.
    return f"{value[:12]}\n{value[12:]}" if len(value) == 28 and value.isalnum() else value


def co_ownership(row: HoldingRow) -> str:
    return f"{row.co_ownership}\n{row.share}" if row.share else row.co_ownership


def encumbrances(text: str) -> str:
    # One restriction per line: "抵押（…）；查封（…）" reads better in a narrow column.
    parts = [part.strip() for part in text.replace(";", "；").split("；")]
    return "\n".join(part for part in parts if part)


def content_strings(c: CertificateContent) -> list[str]:
    strings = [c.number, c.holder_name, c.masked_id_number, c.purpose, c.scope_note,
               c.verification_code, c.verify_url, when(c.issued_at), when(c.valid_until),
               *notes(c)]
    for h in c.holdings:
        strings += [h.unit_no, h.title_no, h.address, h.use, area(h.building_area),
                    co_ownership(h), h.encumbrances]
    return strings
