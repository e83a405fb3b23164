"""The certificate PDF: Chinese text that extracts, a subset font, page breaks, sealing."""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import numpy as np
import pytest
import qrcode
from fontTools.ttLib import TTFont
from PIL import Image
from pyhanko.pdf_utils.reader import PdfFileReader

from api.services.certificates.pdf import (
    CertificateContent,
    HoldingRow,
    render_certificate,
    warm_up,
)
from api.services.certificates.pdf.fonts import ASCII, FAMILY, noto_sans_sc
from api.services.certificates.pdf.labels import content_strings
from api.services.certificates.pdf.layout import CertificatePdf
from api.services.certificates.pdf.linebreak import break_lines
from api.services.certificates.pdf.qr import QRCode
from mock_providers.seal import LocalSealProvider

ISSUED = datetime(2026, 11, 24, 2, 23, 45, tzinfo=UTC)  # 10:23 in Shanghai
NUMBER = "FSBDC-2026-11-000123"
CODE = "K7QM-3XRP-W9TD-F2HN"
URL = f"https://bdc.foshan.gov.cn/cert/verify?no={NUMBER}"
ADDRESSES = (
    "佛山市禅城区祖庙街道岭南大道北88号怡翠花园3座1502房",
    "佛山市南海区桂城街道千灯湖一路8号保利中央公馆6座2801房",
    "佛山市顺德区大良街道德和社区碧桂路18号碧桂园翠湖居12栋",
    "佛山市三水区西南街道健力宝南路22号",
    "佛山市高明区荷城街道沧江路333号沧江豪庭B区7座601房",
)
ENCUMBRANCES = (
    "抵押（中国工商银行股份有限公司佛山分行）；查封（佛山市禅城区人民法院）",
    "无",
    "抵押（佛山农村商业银行股份有限公司）",
)


def holdings(count: int) -> tuple[HoldingRow, ...]:
    return tuple(
        HoldingRow(
            unit_no=f"44060{i % 5}001001GB{i:05d}F0001{i:04d}",
            title_no=f"粤（{2015 + i % 11}）佛山市不动产权第{1000000 + i:07d}号",
            address=ADDRESSES[i % len(ADDRESSES)],
            use=("住宅", "商业", "车位", "办公", "工业")[i % 5],
            building_area=Decimal("89.56") + i * Decimal("13.07"),
            co_ownership=("单独所有", "共同共有", "按份共有")[i % 3],
            share="50%" if i % 3 == 2 else None,
            encumbrances=ENCUMBRANCES[i % len(ENCUMBRANCES)],
        )
        for i in range(count)
    )


def certificate(rows: int = 3, *, kind: str = "HOLDINGS", **changes: object) -> CertificateContent:
    content = CertificateContent(
        number=NUMBER, kind=kind, holder_name="欧阳晓琳", masked_id_number="440***********123X",
        purpose="子女入学", issued_at=ISSUED, valid_until=ISSUED + timedelta(days=30),
        holdings=holdings(rows) if kind != "NO_HOLDINGS" else (),
        scope_note="查询范围：佛山市（禅城区、南海区、顺德区、三水区、高明区）不动产登记簿",
        verification_code=CODE, verify_url=URL,
        # A compact signed statement is ~400-600 characters.
        qr_payload="FSB1." + "eyJhbGciOiJFUzI1NiIsImtpZCI6ImZzYmRjLTIwMjYtMDEifQ" * 11,
    )
    return replace(content, **changes)  # type: ignore[arg-type]


# --- reading the PDF back (pyHanko's reader; no poppler needed) --------------------------

def _pages(pdf: bytes) -> list:
    reader = PdfFileReader(BytesIO(pdf))
    return [kid.get_object() for kid in reader.root["/Pages"]["/Kids"]]


def _unescape(literal: bytes) -> bytes:
    """The bytes of a PDF literal string's body."""
    out, i = bytearray(), 0
    escapes = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b",
               ord("f"): b"\f"}
    while i < len(literal):
        byte = literal[i]
        if byte != ord("\\"):
            out.append(byte)
            i += 1
            continue
        nxt = literal[i + 1]
        octal = re.match(rb"[0-7]{1,3}", literal[i + 1:i + 4])
        if octal:
            out.append(int(octal.group(), 8) & 0xFF)
            i += 1 + len(octal.group())
        else:
            out += escapes.get(nxt, bytes([nxt]))
            i += 2
    return bytes(out)


def _to_unicode(cmap: bytes) -> dict[int, str]:
    pairs = re.findall(rb"<([0-9A-Fa-f]{4})>\s*<([0-9A-Fa-f]+)>", cmap.split(b"endcodespacerange")[1])
    return {int(code, 16): bytes.fromhex(text.decode()).decode("utf-16-be") for code, text in pairs}


_TEXT_OPS = re.compile(rb"/(F\d+) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\) Tj", re.S)


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text, one shown string a line, decoded through the fonts' ToUnicode maps."""
    texts = []
    for page in _pages(pdf):
        fonts = page["/Resources"]["/Font"]
        maps = {name[1:]: _to_unicode(font.get_object()["/ToUnicode"].data)
                for name, font in fonts.items()}
        current: dict[int, str] = {}
        lines = []
        for match in _TEXT_OPS.finditer(page["/Contents"].data):
            if match.group(1):
                current = maps[match.group(1).decode()]
                continue
            raw = _unescape(match.group(2))
            lines.append("".join(current[int.from_bytes(raw[i:i + 2], "big")]
                                 for i in range(0, len(raw), 2)))
        texts.append("\n".join(lines))
    return texts


def flat(text: str) -> str:
    """Text with line breaks removed: wrapped cells and paragraphs read whole again."""
    return text.replace("\n", "")


# --- content ---------------------------------------------------------------------------------

def test_three_holdings_fit_one_page_with_every_fact() -> None:
    pdf = render_certificate(certificate(3))
    assert pdf.startswith(b"%PDF-")
    (text,) = page_texts(pdf)
    whole = flat(text)
    for expected in ("不动产登记查询结果证明", f"证明编号：{NUMBER}", "欧阳晓琳", "440***********123X",
                     "子女入学", "2026年11月24日 10:23", "2026年12月24日 10:23", "3 处",
                     "查询范围：佛山市（禅城区、南海区、顺德区、三水区、高明区）不动产登记簿",
                     "面积㎡", "权利限制", *ADDRESSES[:3], "粤（2015）佛山市不动产权第1000000号",
                     "抵押（中国工商银行股份有限公司佛山分行）", "查封（佛山市禅城区人民法院）",
                     "按份共有50%", "89.56", CODE, URL, "佛山市不动产登记中心（盖章）", "2026年11月24日",
                     "第 1 页 共 1 页", "不动产登记专用章"):
        assert expected in whole, expected
    # The 28-character unit number breaks after its 12-digit zone, never elsewhere.
    assert "440600001001\nGB00000F00010000" in text
    assert len(pdf) < 300_000


def test_twenty_five_holdings_break_pages_and_repeat_the_header() -> None:
    rows = holdings(25)
    pdf = render_certificate(certificate(25))
    texts = page_texts(pdf)
    count = len(texts)
    assert count >= 2
    for number, text in enumerate(texts, start=1):
        assert "不动产单元号" in text
        assert "权利限制" in text
        assert f"第 {number} 页 共 {count} 页" in flat(text)
        assert NUMBER in text
    assert "（续）" not in texts[0]
    assert all("（续）" in text for text in texts[1:])
    # Every row exactly once, in order, with nothing cut at a page break.
    whole = flat("\n".join(texts))
    positions = [whole.index(row.title_no) for row in rows]
    assert positions == sorted(positions)
    assert all(whole.count(row.title_no) == 1 for row in rows)
    # The verification block comes once, after the last row.
    assert whole.count(CODE) == 1
    assert whole.index(CODE) > positions[-1]
    assert len(pdf) < 300_000


def test_a_row_taller_than_a_page_is_split_across_pages() -> None:
    restrictions = [f"查封（佛山市禅城区人民法院（2026）粤0604执{i:04d}号）" for i in range(40)]
    rows = holdings(3)
    tall = replace(rows[1], encumbrances="；".join(restrictions))
    texts = page_texts(render_certificate(certificate(holdings=(rows[0], tall, rows[2]))))
    assert len(texts) >= 4
    whole = flat("\n".join(texts))
    assert all(whole.count(entry) == 1 for entry in restrictions)
    assert whole.index(restrictions[-1]) < whole.index(rows[2].title_no) < whole.index(CODE)


def test_no_holdings_certificate_states_the_finding() -> None:
    pdf = render_certificate(certificate(kind="NO_HOLDINGS"))
    (text,) = page_texts(pdf)
    whole = flat(text)
    assert "无房证明" in whole
    assert "经查询，截至证明出具时，申请人在佛山市范围内无不动产登记记录。" in whole
    assert "欧阳晓琳" in whole
    assert CODE in whole
    assert URL in whole
    assert "不动产单元号" not in whole


async def test_partial_certificate_states_no_total_and_says_so(tmp_path: Path) -> None:
    """Issue 12 item 1: a selection never reads as the citizen's whole holdings."""
    from api.services.certificates import wording

    content = certificate(1, kind="PARTIAL_HOLDINGS", scope_note=wording.PARTIAL_SCOPE_NOTE)
    unsigned = render_certificate(content)
    (text,) = page_texts(unsigned)
    whole = flat(text)
    for expected in ("部分不动产登记查询结果证明", "部分不动产，非名下全部", wording.PARTIAL_WARNING,
                     wording.PARTIAL_SCOPE_NOTE, wording.RELIANCE, ADDRESSES[0], CODE):
        assert expected in whole, expected
    assert "共 1 处" not in whole
    assert "1 处" not in whole
    assert "查询范围：佛山市" not in whole  # the city-wide scope note belongs to whole kinds
    provider = LocalSealProvider(tmp_path / "seal")
    sealed = await provider.sign_pdf(unsigned, field_name="Seal", reason="部分不动产登记查询结果证明",
                                     location="佛山市")
    assert (await provider.validate_pdf(sealed)).reason_code == "OK"


def test_whole_kinds_say_what_a_school_may_rely_on() -> None:
    from api.services.certificates import wording

    for kind in ("HOLDINGS", "NO_HOLDINGS"):
        (text,) = page_texts(render_certificate(certificate(2, kind=kind)))
        assert wording.RELIANCE in flat(text), kind
        assert "非名下全部" not in flat(text).replace(wording.RELIANCE, ""), kind


def test_the_font_is_embedded_as_a_small_truetype_subset() -> None:
    pdf = render_certificate(certificate(25))
    seen = set()
    for page in _pages(pdf):
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            seen.add(str(font["/BaseFont"]))
            assert re.fullmatch(r"/[A-Z]{6}\+NotoSansSC\w*", str(font["/BaseFont"]))
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in descriptor  # TrueType outlines, not CFF
            program = descriptor["/FontFile2"].data
            assert len(program) < 120_000  # a subset: the full font is 17 MB
    assert len(seen) == 2  # regular and bold


def test_the_built_font_tables_are_what_fonttools_would_recalculate() -> None:
    # The per-document fonts are saved without fontTools' recalculation (too slow);
    # their bounding boxes and maxima are set from the cached glyphs instead.
    fonts = noto_sans_sc()
    for style in ("", "B"):
        built = TTFont(BytesIO(fonts.static_font(style, "不动产登记㎡（）gjy,ÅQ").data))
        again = TTFont(BytesIO(fonts.static_font(style, "不动产登记㎡（）gjy,ÅQ").data))
        for name in again.getGlyphOrder():
            again["glyf"][name].expand(again["glyf"])  # forces every glyph to be recompiled
        out = BytesIO()
        again.save(out)  # recalcBBoxes is on by default
        recalculated = TTFont(BytesIO(out.getvalue()))

        def facts(font: TTFont) -> tuple[object, ...]:
            head, hhea, maxp = font["head"], font["hhea"], font["maxp"]
            return (head.xMin, head.yMin, head.xMax, head.yMax, hhea.advanceWidthMax,
                    hhea.minLeftSideBearing, hhea.minRightSideBearing, hhea.xMaxExtent,
                    maxp.maxPoints, maxp.maxContours, maxp.numGlyphs,
                    [font["hmtx"][name] for name in font.getGlyphOrder()])

        assert facts(built) == facts(recalculated)


def test_same_content_gives_the_same_bytes() -> None:
    assert render_certificate(certificate(3)) == render_certificate(certificate(3))
    later = certificate(3, issued_at=ISSUED + timedelta(seconds=1))
    assert render_certificate(later) != render_certificate(certificate(3))


def test_no_glyph_is_missing_for_ordinary_content(caplog: pytest.LogCaptureFixture) -> None:
    warm_up()
    with caplog.at_level(logging.WARNING):
        render_certificate(certificate(25))
        render_certificate(certificate(kind="NO_HOLDINGS"))
        render_certificate(certificate(2, kind="PARTIAL_HOLDINGS"))
    assert not [r for r in caplog.records if "glyph" in r.getMessage()]


def test_a_character_the_font_lacks_is_logged_not_fatal(caplog: pytest.LogCaptureFixture) -> None:
    fonts = noto_sans_sc()
    rare = next(chr(cp) for cp in range(0x20000, 0x2A6E0) if not fonts.supports(chr(cp)))
    with caplog.at_level(logging.WARNING):
        pdf = render_certificate(certificate(1, holder_name=f"陈{rare}"))
    assert pdf.startswith(b"%PDF-")
    assert any(f"U+{ord(rare):04X}" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("changes", [
    {"kind": "SOMETHING"},
    {"kind": "NO_HOLDINGS"},  # with holdings
    {"holdings": ()},  # HOLDINGS without any
    {"kind": "PARTIAL_HOLDINGS", "holdings": ()},
    {"issued_at": datetime(2026, 11, 24, 10, 23)},  # naive  # noqa: DTZ001
])
def test_inconsistent_content_is_refused(changes: dict[str, object]) -> None:
    content = replace(certificate(2), **changes)  # type: ignore[arg-type]
    with pytest.raises(ValueError):  # noqa: PT011
        render_certificate(content)


# --- sealing ---------------------------------------------------------------------------------

async def test_the_pdf_takes_a_pades_seal_that_validates(tmp_path: Path) -> None:
    provider = LocalSealProvider(tmp_path / "seal")
    unsigned = render_certificate(certificate(25))
    sealed = await provider.sign_pdf(unsigned, field_name="Seal", reason="不动产登记查询结果证明",
                                     location="佛山市")
    assert sealed.startswith(unsigned)  # an incremental update: the page is untouched
    result = await provider.validate_pdf(sealed)
    assert result.reason_code == "OK"
    assert len(sealed) < 300_000

    flipped = bytearray(sealed)
    flipped[len(unsigned) // 2] ^= 0x01
    assert (await provider.validate_pdf(bytes(flipped))).reason_code != "OK"


# --- helpers with their own contracts --------------------------------------------------------

def test_lines_break_by_chinese_rules() -> None:
    widths = {ch: 1.0 for ch in "一二三四五六七八，。（）ABC12"}
    lines = break_lines("一二三四五，六七", 5, widths)
    assert lines == ["一二三四", "五，六七"]  # no line starts with "，"
    assert break_lines("一二三四（五）", 5, widths) == ["一二三四", "（五）"]
    # A short run of Latin letters / digits moves whole; a long one breaks anywhere.
    assert break_lines("一二三AB", 4, widths) == ["一二三", "AB"]
    assert break_lines("ABC12ABC12", 4, widths) == ["ABC1", "2ABC", "12"]
    assert break_lines("一\n二", 4, widths) == ["一", "二"]


def test_text_is_measured_as_fpdf2_lays_it_out() -> None:
    content = certificate(3)
    pdf = CertificatePdf(content)
    fonts = noto_sans_sc()
    chars = set("".join(content_strings(content))) | ASCII
    for style in ("", "B"):
        pdf.use_font(style, fonts.static_font(style, chars))
    for style, size, text in (("", 8.5, ADDRESSES[0]), ("", 10.5, "440***********123X"),
                              ("B", 10.5, CODE), ("", 7.5, URL)):
        pdf.set_font(FAMILY, style, size)
        assert pdf.measure(text, style=style, size=size) == pytest.approx(
            pdf.get_string_width(text), abs=1e-6)


@pytest.mark.parametrize("length", [20, 300, 450, 600])
def test_qr_code_is_the_one_qrcode_makes(length: int) -> None:
    payload = ("FSB1.eyJ2IjoxLCJuIjoiRlNCREMtMjAyNi0xMS0wMDAxMjMifQ" * 20)[:length]

    def matrix(cls: type[qrcode.QRCode]) -> list[list[bool]]:
        qr = cls(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
        qr.add_data(payload)
        qr.make(fit=True)
        return qr.get_matrix()

    assert matrix(QRCode) == matrix(qrcode.QRCode)


# --- what a person sees ----------------------------------------------------------------------

@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_page_renders_with_text_and_a_red_seal(tmp_path: Path) -> None:
    (tmp_path / "c.pdf").write_bytes(render_certificate(certificate(3)))
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-singlefile", str(tmp_path / "c.pdf"),
                    str(tmp_path / "c")], check=True, capture_output=True, timeout=60)
    with Image.open(tmp_path / "c.png") as image:
        rgb = np.asarray(image.convert("RGB"), dtype=np.int16)
    height, width, _ = rgb.shape
    assert abs(height / width - 297 / 210) < 0.01
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    dark = int(((r < 80) & (g < 80) & (b < 80)).sum())
    red = int(((r > 180) & (g < 90) & (b < 90)).sum())
    assert dark > 0.01 * r.size  # text and the QR code
    assert red > 0.003 * r.size  # the seal
    # ... in the lower right quarter, beside the QR code, not over it.
    assert int(((r > 180) & (g < 90) & (b < 90))[height // 2:, width // 2:].sum()) > 0.9 * red


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_poppler_extracts_the_chinese_text(tmp_path: Path) -> None:
    (tmp_path / "c.pdf").write_bytes(render_certificate(certificate(3)))
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(tmp_path / "c.pdf"), "-"],
                          check=True, capture_output=True, timeout=60).stdout.decode()
    for expected in ("不动产登记查询结果证明", "欧阳晓琳", "面积㎡", "单独所有", "子女入学", CODE):
        assert expected in text


@pytest.mark.skipif(shutil.which("pdftoppm") is None or shutil.which("zbarimg") is None,
                    reason="poppler-utils / zbar-tools not installed")
def test_printed_qr_code_reads_back_the_payload(tmp_path: Path) -> None:
    content = certificate(3)
    (tmp_path / "c.pdf").write_bytes(render_certificate(content))
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(tmp_path / "c.pdf"),
                    str(tmp_path / "c")], check=True, capture_output=True, timeout=60)
    read = subprocess.run(["zbarimg", "-q", "--raw", str(tmp_path / "c.png")],
                          check=True, capture_output=True, timeout=60).stdout.decode()
    assert read.strip() == content.qr_payload
