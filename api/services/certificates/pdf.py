"""The unsigned A4 PDF of a 不动产登记查询结果证明 (all holdings), a 部分不动产登记查询结果证明
(a selection: never a total, see ``wording``) or a 无房证明.

``render_certificate`` lays out one certificate in Chinese with fpdf2; the
seal provider then adds the PAdES signature (``SealProvider.sign_pdf``), which
is invisible: the red seal a reader sees is drawn here (``seal_image``).

Font: Noto Sans SC, from the ``justmytype-intl-cjk`` wheel (OFL). It is a
variable TrueType font (glyf outlines + gvar, weight axis 100..900, default
Thin), 17 MB and 31,000 glyphs. Turning it into a static Regular/Bold with
fontTools' instancer takes ~15 s per weight, and fpdf2 re-reads and subsets
the font it is given for every document (~0.3 s for this one), so neither the
variable font nor a static instance of it is handed to fpdf2. Instead,
``_NotoSansSC`` keeps the variable font open once per process, instantiates
the glyphs a document needs at wght 400 / 700 one by one (cached per process:
~1 ms the first time a character is met, nothing after), and builds for each
document a small static TrueType font holding exactly those glyphs. fpdf2
embeds that as a subset (``/FontFile2``, ``/BaseFont /MPDFAA+NotoSansSC…``)
with a ToUnicode map, so the text extracts and searches as Chinese.

Output is deterministic: the same content gives the same bytes (creation date
= issue time, fonts built in code-point order with fixed timestamps).
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from importlib.resources import files
from zoneinfo import ZoneInfo

import numpy as np
import qrcode
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.recordingPen import DecomposingRecordingPointPen
from fontTools.pens.ttGlyphPen import TTGlyphPointPen
from fontTools.ttLib import TTFont, newTable
from fontTools.ttLib.tables._g_l_y_f import Glyph
from fpdf import FPDF
from fpdf.enums import Align
from fpdf.fonts import TTFFont
from PIL import Image

from api.services.certificates import wording
from api.services.certificates.seal_image import SEAL_NAME, SEAL_TEXT, draw_seal
from api.services.certificates.wording import HOLDINGS, NO_HOLDINGS, PARTIAL_HOLDINGS, TITLES

logger = logging.getLogger(__name__)

__all__ = ["CertificateContent", "HoldingRow", "render_certificate", "warm_up"]

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class HoldingRow:
    unit_no: str
    title_no: str
    address: str
    use: str
    building_area: Decimal
    co_ownership: str  # 单独所有 / 共同共有 / 按份共有
    share: str | None  # e.g. "50%"
    encumbrances: str  # e.g. "抵押（…）；查封（…）" or "无"


@dataclass(frozen=True)
class CertificateContent:
    number: str  # e.g. "FSBDC-2026-11-000123"
    kind: str  # "HOLDINGS" | "PARTIAL_HOLDINGS" | "NO_HOLDINGS"
    holder_name: str
    masked_id_number: str  # 440***********123X
    purpose: str  # 子女入学 / 购房 / 缴税 / 贷款 / 户口迁移 / 其他
    issued_at: datetime  # aware; printed in Asia/Shanghai
    valid_until: datetime  # aware
    holdings: tuple[HoldingRow, ...]  # empty for NO_HOLDINGS
    scope_note: str  # "查询范围：佛山市（…）不动产登记簿" (wording.PARTIAL_SCOPE_NOTE for a selection)
    verification_code: str  # printed
    verify_url: str  # printed next to the QR code
    qr_payload: str  # encoded in the QR code


# --- font ----------------------------------------------------------------------------------

_FONT_PACKAGE = "justmytype_intl_cjk"
_FONT_FILE = ("fonts", "ofl", "notosanssc", "NotoSansSC[wght].ttf")
FAMILY = "NotoSansSC"
_WEIGHTS = {"": (400, "Regular"), "B": (700, "Bold")}
# Characters every document may print whatever its content: ASCII (numbers, codes, URLs).
_ASCII = frozenset(chr(c) for c in range(0x20, 0x7F))
# Fixed font timestamps (seconds since 1904) so that the same text gives the same bytes.
_FONT_TIMESTAMP = 3_750_934_487  # the source font's head.modified


def _font_bytes() -> bytes:
    resource = files(_FONT_PACKAGE)
    for part in _FONT_FILE:
        resource = resource / part
    return resource.read_bytes()


@dataclass(frozen=True)
class _StaticFont:
    data: bytes  # a TrueType font
    advances: dict[str, int]  # character -> advance width, in 1/1000 em
    missing_advance: int  # what fpdf2 advances for a character the font lacks


@dataclass(frozen=True)
class _Outline:
    """One glyph at one weight: compiled glyf data and what the font tables need of it."""

    data: bytes
    advance: int
    bounds: tuple[int, int, int, int] | None  # xMin, yMin, xMax, yMax; None if empty
    points: int
    contours: int


class _NotoSansSC:
    """The variable Noto Sans SC, instanced per glyph and cached, for the whole process."""

    def __init__(self) -> None:
        # From memory rather than a path: a lazily loaded TTFont keeps its file open.
        self._font = TTFont(io.BytesIO(_font_bytes()), lazy=True)
        self._cmap: dict[int, str] = self._font.getBestCmap()
        self._glyph_sets = {
            weight: self._font.getGlyphSet(location={"wght": weight})
            for weight, _ in _WEIGHTS.values()
        }
        self._outlines: dict[tuple[int, str], _Outline] = {}  # by (weight, glyph name)
        self._lock = threading.Lock()  # fontTools' lazy tables are not thread-safe
        hhea, maxp, os2, post = (self._font[t] for t in ("hhea", "maxp", "OS/2", "post"))
        self._hhea = {"ascent": hhea.ascent, "descent": hhea.descent, "lineGap": hhea.lineGap}
        # The glyphs carry no instructions: these are only kept valid (zones >= 1).
        self._maxp_hinting = {key: getattr(maxp, key) for key in (
            "maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
            "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions")}
        self._os2 = {key: getattr(os2, key) for key in (
            "sTypoAscender", "sTypoDescender", "sTypoLineGap", "usWinAscent", "usWinDescent",
            "sxHeight", "sCapHeight", "yStrikeoutSize", "yStrikeoutPosition",
            "ulCodePageRange1", "ulCodePageRange2")}
        self._post = {"underlinePosition": post.underlinePosition,
                      "underlineThickness": post.underlineThickness}
        name = self._font["name"]
        self._legal = {
            key: str(name.getDebugName(name_id))
            for key, name_id in (("copyright", 0), ("licenseDescription", 13),
                                 ("licenseInfoURL", 14))
            if name.getDebugName(name_id)
        }

    def supports(self, ch: str) -> bool:
        return ord(ch) in self._cmap

    def _outline(self, weight: int, glyph_name: str) -> _Outline:
        key = (weight, glyph_name)
        outline = self._outlines.get(key)
        if outline is None:
            glyph_set = self._glyph_sets[weight]
            source = glyph_set[glyph_name]
            # Components (if any) are flattened: the glyph stands alone in any subset.
            recording = DecomposingRecordingPointPen(glyph_set)
            source.drawPoints(recording)
            pen = TTGlyphPointPen(None)
            recording.replay(pen)
            glyph = pen.glyph()
            glyph.recalcBounds(None)
            empty = glyph.numberOfContours == 0
            outline = self._outlines[key] = _Outline(
                data=glyph.compile(None), advance=round(source.width),
                bounds=None if empty else (glyph.xMin, glyph.yMin, glyph.xMax, glyph.yMax),
                points=0 if empty else len(glyph.coordinates),
                contours=glyph.numberOfContours)
        return outline

    def static_font(self, style: str, chars: Iterable[str]) -> _StaticFont:
        """A static TrueType font of ``style`` ("" or "B") with the glyphs of ``chars``."""
        weight, style_name = _WEIGHTS[style]
        codepoints = sorted({ord(ch) for ch in chars} & self._cmap.keys())
        names = [".notdef", *dict.fromkeys(self._cmap[cp] for cp in codepoints
                                           if self._cmap[cp] != ".notdef")]
        with self._lock:
            outlines = {name: self._outline(weight, name) for name in names}

        builder = FontBuilder(unitsPerEm=1000, isTTF=True)
        builder.setupGlyphOrder(names)
        builder.setupCharacterMap({cp: self._cmap[cp] for cp in codepoints})
        # The glyphs go in compiled: FontBuilder.setupGlyf would decompile them, and
        # saving with recalcBBoxes would recompile them (~30 ms for 250 glyphs). So
        # bounds and maxima are set here from the cached outlines instead.
        glyf = newTable("glyf")
        glyf.glyphs = {name: Glyph(outline.data) for name, outline in outlines.items()}
        glyf.glyphOrder = names
        builder.font["loca"] = newTable("loca")
        builder.font["glyf"] = glyf
        # lsb = xMin, as TrueType rasterizers expect.
        builder.setupHorizontalMetrics({
            name: (o.advance, o.bounds[0] if o.bounds else 0) for name, o in outlines.items()})
        boxes = [o.bounds for o in outlines.values() if o.bounds is not None] or [(0, 0, 0, 0)]
        x_min, y_min = min(b[0] for b in boxes), min(b[1] for b in boxes)
        x_max, y_max = max(b[2] for b in boxes), max(b[3] for b in boxes)
        builder.setupHorizontalHeader(
            **self._hhea, advanceWidthMax=max(o.advance for o in outlines.values()),
            minLeftSideBearing=x_min, xMaxExtent=x_max,
            minRightSideBearing=min((o.advance - o.bounds[2] for o in outlines.values()
                                     if o.bounds is not None), default=0))
        builder.setupHead(unitsPerEm=1000, created=_FONT_TIMESTAMP, modified=_FONT_TIMESTAMP,
                          xMin=x_min, yMin=y_min, xMax=x_max, yMax=y_max,
                          macStyle=1 if style == "B" else 0)
        builder.setupMaxp()
        maxp = builder.font["maxp"]
        for key, value in self._maxp_hinting.items():
            setattr(maxp, key, value)
        maxp.maxPoints = max(o.points for o in outlines.values())
        maxp.maxContours = max(o.contours for o in outlines.values())
        maxp.maxCompositePoints = maxp.maxCompositeContours = 0
        maxp.maxComponentElements = maxp.maxComponentDepth = 0
        builder.setupNameTable({
            "familyName": "Noto Sans SC", "styleName": style_name,
            "fullName": f"Noto Sans SC {style_name}",
            "psName": f"NotoSansSC-{style_name}", **self._legal,
        })
        builder.setupOS2(usWeightClass=weight, fsType=0,
                         fsSelection=0x20 if style == "B" else 0x40, **self._os2)
        builder.setupPost(keepGlyphNames=False, **self._post)
        builder.font.recalcTimestamp = False
        builder.font.recalcBBoxes = False
        out = io.BytesIO()
        builder.save(out)
        advances = {chr(cp): outlines[self._cmap[cp]].advance for cp in codepoints}
        return _StaticFont(out.getvalue(), advances, outlines[".notdef"].advance)


_noto: _NotoSansSC | None = None
_noto_lock = threading.Lock()


def _fonts() -> _NotoSansSC:
    global _noto
    with _noto_lock:
        if _noto is None:
            _noto = _NotoSansSC()
        return _noto


def warm_up() -> None:
    """Load the font and instantiate the template's glyphs (~0.5 s, once per process).

    Optional: the first certificate does this by itself otherwise. Call it at
    start-up (in a thread) to keep that time out of the first request.
    """
    fonts = _fonts()
    template = "".join(_template_strings())
    for style, chars in (("", template), ("B", _BOLD_TEMPLATE)):
        fonts.static_font(style, set(chars) | _ASCII)


def _add_font(pdf: _CertificatePdf, style: str, font: _StaticFont) -> None:
    # FPDF.add_font only takes a file path; this is its body for in-memory bytes
    # (fontTools opens a file object as well as a path). Checked against fpdf2 2.8.9.
    fontkey = f"{FAMILY.lower()}{style}"
    ttf = TTFFont(pdf, io.BytesIO(font.data), fontkey, style)  # type: ignore[arg-type]
    # Keep the glyph data as built: fpdf2 subsets and re-saves the font, and with
    # bounding boxes recalculated it would decompile and recompile every glyph.
    ttf.ttfont.recalcBBoxes = False
    pdf.fonts[fontkey] = ttf
    pdf.advances[style] = font


# --- text ----------------------------------------------------------------------------------

COLUMNS = ("序号", "不动产单元号", "不动产权证书号", "坐落", "用途", "面积㎡", "共有情况",
           "权利限制")
NO_HOLDINGS_FINDING = "经查询，截至证明出具时，申请人在佛山市范围内无不动产登记记录。"
ISSUER_LINE = f"{SEAL_NAME}（盖章）"
CLOSING = "特此证明。"
_LABELS = ("申请人", "证件号码", "查询目的", "出具时间", "有效期至", "登记记录", "证明编号",
           "验证码", "核验网址", "扫码核验", "说明", "（续）")
PARTIAL_FINDING = "经查询，截至证明出具时，下表所列由申请人选择的不动产登记在申请人名下。"
_BOLD_TEMPLATE = ("".join(TITLES.values()) + "".join(_LABELS) + "".join(COLUMNS) + SEAL_TEXT
                  + NO_HOLDINGS_FINDING + wording.PARTIAL_WARNING + "：处无")


def _holdings_finding(count: int) -> str:
    return f"经查询，截至证明出具时，申请人在佛山市范围内登记的不动产共 {count} 处，详见下表。"


def _notes(c: CertificateContent) -> list[str]:
    notes = [
        "本证明仅反映出具时不动产登记簿记载的情况；出具后登记簿记载发生变化的，以登记簿最新记载为准。",
        f"本证明有效期至{_when(c.valid_until)}，逾期请重新申请；仅供“{c.purpose}”使用。",
        "本证明可通过扫描二维码，或登录核验网址输入证明编号和验证码，核验真伪及当前状态。",
        f"本证明已加盖{SEAL_NAME}电子印章，任何修改均将导致电子印章验证失败。"
        "申请人证件号码已作脱敏处理。",
    ]
    if c.kind == NO_HOLDINGS:
        notes.insert(1, "本证明仅说明申请人在上述查询范围内的不动产登记情况，不反映其在其他地区的情况。")
    notes.insert(1, wording.RELIANCE)
    return [f"{i}. {text}" for i, text in enumerate(notes, start=1)]


def _template_strings() -> list[str]:
    """Everything the layout may print in the regular weight apart from the content."""
    return [*TITLES.values(), *_LABELS, ISSUER_LINE, CLOSING, _holdings_finding(0),
            PARTIAL_FINDING, wording.PARTIAL_STATEMENT, wording.RELIANCE,
            "第页共年月日时分处", "“”（）：，。；、", "单独所有共同共有按份共有"]


def _when(dt: datetime, *, time: bool = True) -> str:
    if dt.tzinfo is None:
        raise ValueError("certificate datetimes must be timezone-aware")
    local = dt.astimezone(SHANGHAI)
    text = f"{local.year}年{local.month:02d}月{local.day:02d}日"
    return f"{text} {local:%H:%M}" if time else text


def _area(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01')):,}"


def _unit_no(value: str) -> str:
    # A 28-character unit number (6 district + 6 cadastral zone + 7 parcel + 9 building)
    # does not fit one line of its column: break it after the zone, where it reads best.
    return f"{value[:12]}\n{value[12:]}" if len(value) == 28 and value.isalnum() else value


def _co_ownership(row: HoldingRow) -> str:
    return f"{row.co_ownership}\n{row.share}" if row.share else row.co_ownership


def _encumbrances(text: str) -> str:
    # One restriction per line: "抵押（…）；查封（…）" reads better in a narrow column.
    parts = [part.strip() for part in text.replace(";", "；").split("；")]
    return "\n".join(part for part in parts if part)


def _content_strings(c: CertificateContent) -> list[str]:
    strings = [c.number, c.holder_name, c.masked_id_number, c.purpose, c.scope_note,
               c.verification_code, c.verify_url, _when(c.issued_at), _when(c.valid_until),
               *_notes(c)]
    for h in c.holdings:
        strings += [h.unit_no, h.title_no, h.address, h.use, _area(h.building_area),
                    _co_ownership(h), h.encumbrances]
    return strings


# --- line breaking -------------------------------------------------------------------------

# Chinese line-breaking rules (禁则): these never start a line ...
_NO_LINE_START = frozenset("，。、；：？！）》」』】〕〉”’,.;:!?)]}%…·㎡")
# ... and these never end one.
_NO_LINE_END = frozenset("（《「『【〔〈“‘([{")
_WORD = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")


def _break_lines(text: str, width: float, char_width: dict[str, float]) -> list[str]:
    """Greedy character-by-character line breaking with kinsoku; ``\\n`` breaks a line.

    Runs of Latin letters and digits (numbers, codes) move whole to the next line
    when they fit there; longer ones (a URL) break anywhere.
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line: list[str] = []
        used = 0.0
        for ch in paragraph:
            w = char_width[ch]
            if line and used + w > width + 1e-6:
                cut = len(line)
                if ch in _NO_LINE_START and cut > 1:
                    cut -= 1
                while cut > 1 and line[cut - 1] in _NO_LINE_END:
                    cut -= 1
                if ch in _WORD and line[cut - 1] in _WORD and cut == len(line):
                    start = cut
                    while start > 0 and line[start - 1] in _WORD:
                        start -= 1
                    if start > 0 and sum(char_width[x] for x in line[start:]) < width / 2:
                        cut = start
                lines.append("".join(line[:cut]))
                line = line[cut:]
                used = sum(char_width[x] for x in line)
            line.append(ch)
            used += w
        lines.append("".join(line))
    return lines


class _Widths(dict[str, float]):
    """Character widths (mm) in one font style and size, from the font's own advances.

    The same numbers fpdf2 lays text out with (it rounds advances to 1/1000 em, which
    at 1000 units per em they already are), without its per-call overhead.
    """

    def __init__(self, font: _StaticFont, size_pt: float) -> None:
        super().__init__()
        self._font, self._scale = font, size_pt / 1000 * 25.4 / 72

    def __missing__(self, ch: str) -> float:
        width = self[ch] = self._font.advances.get(ch, self._font.missing_advance) * self._scale
        return width


# --- layout --------------------------------------------------------------------------------

INK = (20, 20, 20)
GREY = (100, 100, 100)
FRAME = (150, 30, 30)  # the dark red of the title rules and the page frame
BORDER = (90, 90, 90)
LABEL_FILL = (242, 242, 242)
MARGIN = 20.0
PAGE_W, PAGE_H = 210.0, 297.0
CONTENT_W = PAGE_W - 2 * MARGIN
BODY_TOP = 24.0
QR_SIZE = 38.0
SEAL_RADIUS = 21.0
BOTTOM_BLOCK_H = 48.0
# Where a line's baseline sits below the middle of its line box, in font sizes: centres
# an ideograph's em box (Noto Sans SC: -0.12..0.88 em) on the box's middle.
_BASELINE_DROP = 0.37

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class _Cell:
    text: str
    align: str = "L"  # L, C or R
    style: str = ""  # "" or "B"
    fill: RGB | None = None


class _CertificatePdf(FPDF):
    def __init__(self, c: CertificateContent) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.c = c
        self.set_margins(MARGIN, BODY_TOP, MARGIN)
        self.set_auto_page_break(True, margin=22)
        self._widths: dict[tuple[str, float], _Widths] = {}
        self.advances: dict[str, _StaticFont] = {}

    # page furniture

    def header(self) -> None:
        with self.local_context():
            self.set_draw_color(*FRAME)
            self.set_line_width(0.6)
            self.rect(11, 11, PAGE_W - 22, PAGE_H - 22)
            self.set_line_width(0.2)
            self.rect(12.2, 12.2, PAGE_W - 24.4, PAGE_H - 24.4)
            if self.page_no() > 1:
                self.set_text_color(*GREY)
                self.text_line(MARGIN, 14.5, 6, CONTENT_W, f"{TITLES[self.c.kind]}（续）",
                               size=9)
                self.text_line(MARGIN, 14.5, 6, CONTENT_W, f"证明编号：{self.c.number}",
                               size=9, align="R")
                self.set_draw_color(*GREY)
                self.line(MARGIN, 20.5, PAGE_W - MARGIN, 20.5)
        self.set_y(BODY_TOP)

    def footer(self) -> None:
        with self.local_context():
            self.set_font(FAMILY, "", 8)
            self.set_text_color(*GREY)
            self.set_draw_color(*GREY)
            self.set_line_width(0.2)
            self.line(MARGIN, PAGE_H - 17.5, PAGE_W - MARGIN, PAGE_H - 17.5)
            self.set_xy(MARGIN, PAGE_H - 17)
            self.cell(CONTENT_W / 3, 5, f"证明编号：{self.c.number}")
            # "{nb}" is fpdf2's alias for the page count, filled in at output.
            self.cell(CONTENT_W / 3, 5, f"第 {self.page_no()} 页 共 {{nb}} 页", align=Align.C)
            self.cell(CONTENT_W / 3, 5, SEAL_NAME, align=Align.R)

    # text

    def widths(self, style: str, size: float) -> _Widths:
        key = (style, size)
        if key not in self._widths:
            self._widths[key] = _Widths(self.advances[style], size)
        return self._widths[key]

    def measure(self, text: str, *, style: str = "", size: float) -> float:
        widths = self.widths(style, size)
        return sum(widths[ch] for ch in text)

    def wrap(self, text: str, width: float, *, style: str = "", size: float) -> list[str]:
        return _break_lines(text, width, self.widths(style, size))

    def text_line(self, x: float, top: float, line_h: float, width: float, text: str, *,
                  size: float, style: str = "", align: str = "L") -> None:
        """One line of text in the box (x, top, width, line_h), vertically centred."""
        self.set_font(FAMILY, style, size)
        if align != "L":
            free = width - self.measure(text, style=style, size=size)
            x += free if align == "R" else free / 2
        self.text(x, top + line_h / 2 + _BASELINE_DROP * self.font_size, text)

    def paragraph(self, text: str, *, size: float, line_h: float, style: str = "",
                  x: float = MARGIN, width: float = CONTENT_W, align: str = "L") -> None:
        """Wrapped text from the current y on; moves y below it."""
        for line in self.wrap(text, width, style=style, size=size):
            if self.get_y() + line_h > self.page_break_trigger:
                self.add_page()
            self.text_line(x, self.get_y(), line_h, width, line, size=size, style=style,
                           align=align)
            self.set_y(self.get_y() + line_h)

    def paragraph_height(self, text: str, *, size: float, line_h: float, style: str = "",
                         width: float = CONTENT_W) -> float:
        return len(self.wrap(text, width, style=style, size=size)) * line_h


class _Grid:
    """A bordered table whose rows grow with their wrapped text.

    A row that does not fit the rest of the page moves to the next one, under a
    repeated header row; a row taller than a whole page is split across pages.
    """

    def __init__(self, pdf: _CertificatePdf, widths: tuple[float, ...], *, size: float,
                 line_h: float, header: list[_Cell] | None = None, pad_x: float = 1.2,
                 pad_y: float = 1.0) -> None:
        self.pdf, self.widths, self.size, self.line_h = pdf, widths, size, line_h
        self.header, self.pad_x, self.pad_y = header, pad_x, pad_y
        self._at_page_top = False
        if header is not None:
            # Never leave the header alone at the foot of a page.
            if pdf.get_y() + 2 * (2 * pad_y + 2 * line_h) > pdf.page_break_trigger:
                pdf.add_page()
            self._draw(header, self._lines(header), full=True)
            self._at_page_top = True

    def _lines(self, cells: list[_Cell]) -> list[list[str]]:
        return [self.pdf.wrap(cell.text, width - 2 * self.pad_x, style=cell.style,
                              size=self.size)
                for cell, width in zip(cells, self.widths, strict=True)]

    def row(self, cells: list[_Cell]) -> None:
        pdf = self.pdf
        lines = self._lines(cells)
        while True:
            need = max(map(len, lines))
            room = int((pdf.page_break_trigger - pdf.get_y() - 2 * self.pad_y) // self.line_h)
            if need > room and not self._at_page_top:
                self._new_page()
                continue
            take = max(1, min(need, room))
            self._draw(cells, [cell_lines[:take] for cell_lines in lines], full=take == need)
            self._at_page_top = False
            lines = [cell_lines[take:] for cell_lines in lines]
            if not any(lines):
                return
            self._new_page()

    def _new_page(self) -> None:
        self.pdf.add_page()
        if self.header is not None:
            self._draw(self.header, self._lines(self.header), full=True)
        self._at_page_top = True

    def _draw(self, cells: list[_Cell], lines: list[list[str]], *, full: bool) -> None:
        pdf = self.pdf
        y = pdf.get_y()
        count = max(1, max(map(len, lines)))
        height = count * self.line_h + 2 * self.pad_y
        x = pdf.l_margin
        pdf.set_draw_color(*BORDER)
        pdf.set_line_width(0.2)
        for cell, cell_lines, width in zip(cells, lines, self.widths, strict=True):
            if cell.fill is not None:
                pdf.set_fill_color(*cell.fill)
                pdf.rect(x, y, width, height, style="DF")
            else:
                pdf.rect(x, y, width, height, style="D")
            # Centred vertically; a row split over pages starts at the top instead.
            top = y + self.pad_y
            if full:
                top += (count - len(cell_lines)) * self.line_h / 2
            for i, line in enumerate(cell_lines):
                pdf.text_line(x + self.pad_x, top + i * self.line_h, self.line_h,
                              width - 2 * self.pad_x, line, size=self.size, style=cell.style,
                              align=cell.align)
            x += width
        pdf.set_y(y + height)


# --- QR code -------------------------------------------------------------------------------

_QR_BOX = 6  # pixels per module in the embedded PNG
_FINDER_LIKE = (np.array([1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0], dtype=bool),
                np.array([0, 0, 0, 0, 1, 0, 1, 1, 1, 0, 1], dtype=bool))
_MASKS = (
    lambda i, j: (i + j) % 2 == 0,
    lambda i, j: i % 2 == 0,
    lambda i, j: j % 3 == 0,
    lambda i, j: (i + j) % 3 == 0,
    lambda i, j: (i // 2 + j // 3) % 2 == 0,
    lambda i, j: (i * j) % 2 + (i * j) % 3 == 0,
    lambda i, j: ((i * j) % 2 + (i * j) % 3) % 2 == 0,
    lambda i, j: ((i * j) % 3 + (i + j) % 2) % 2 == 0,
)


def _mask_penalty(m: np.ndarray) -> int:
    """The mask penalty score of ISO/IEC 18004 §7.8.3, as ``qrcode.util.lost_point``."""
    n = m.shape[0]
    score = 0
    for grid in (m, m.T):
        # N1: runs of 5+ modules of one colour in a row or column score (length - 2).
        flat = np.concatenate([grid.astype(np.int8), np.full((n, 1), 2, np.int8)],
                              axis=1).ravel()
        starts = np.concatenate(([0], np.flatnonzero(flat[1:] != flat[:-1]) + 1))
        lengths = np.diff(np.append(starts, flat.size))
        runs = lengths[(flat[starts] != 2) & (lengths >= 5)]
        score += int((runs - 2).sum())
        # N3: finder-like 1:1:3:1:1 patterns with four light modules on one side.
        windows = np.lib.stride_tricks.sliding_window_view(grid, 11, axis=1)
        score += 40 * sum(int((windows == p).all(axis=2).sum()) for p in _FINDER_LIKE)
    # N2: 2x2 blocks of one colour.
    a = m[:-1, :-1]
    score += 3 * int(((a == m[1:, :-1]) & (a == m[:-1, 1:]) & (a == m[1:, 1:])).sum())
    # N4: dark modules departing from 50 %.
    score += int(abs(int(m.sum()) / (n * n) * 100 - 50) / 5) * 10
    return score


class _QRCode(qrcode.QRCode):  # type: ignore[type-arg]
    """qrcode's encoder with its mask choice made in one pass instead of eight.

    qrcode lays the data out under each of the eight masks in pure Python and
    scores each (~35 ms for a 500-character payload). The masks only flip data
    modules, so one layout, XORed with each mask over the data area, gives all
    eight; they are scored with numpy by the same rules, and the first best
    wins, as in qrcode: the code is module for module the one qrcode makes.
    """

    _data_area: np.ndarray

    def map_data(self, data: bytes, mask_pattern: int) -> None:
        # Whatever is still unset when the data is laid out is the data area.
        self._data_area = np.array([[m is None for m in row] for row in self.modules])
        super().map_data(data, mask_pattern)

    def best_mask_pattern(self) -> int:
        self.makeImpl(True, 0)
        n = self.modules_count
        i, j = np.indices((n, n))
        flips = np.stack([mask(i, j) for mask in _MASKS]) & self._data_area
        unmasked = np.array(self.modules, dtype=bool) ^ flips[0]
        return int(np.argmin([_mask_penalty(unmasked ^ flip) for flip in flips]))


def _qr_png(payload: str) -> bytes:
    # Level M (15 % recovery): a 400-600 character payload fits version 15-20 (77-97
    # modules), 0.4-0.5 mm a module at 38 mm, which phone cameras read easily; Q or H
    # would need version 25+ and smaller modules for the same payload.
    qr = _QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    qr.add_data(payload)
    qr.make(fit=True)
    dark = np.array(qr.modules, dtype=bool)
    pixels = np.where(dark, 0, 255).astype(np.uint8).repeat(_QR_BOX, 0).repeat(_QR_BOX, 1)
    out = io.BytesIO()
    Image.fromarray(pixels, mode="L").convert("1").save(out, format="PNG")
    return out.getvalue()


# --- the certificate -----------------------------------------------------------------------

def _title(pdf: _CertificatePdf, c: CertificateContent) -> None:
    pdf.set_text_color(*INK)
    # Short titles are spaced out, as on the paper forms.
    pdf.set_char_spacing(10 if c.kind == NO_HOLDINGS else 2)
    pdf.text_line(MARGIN, BODY_TOP, 12, CONTENT_W, TITLES[c.kind], size=22, style="B",
                  align="C")
    pdf.set_char_spacing(0)
    y = BODY_TOP + 14
    pdf.set_draw_color(*FRAME)
    pdf.set_line_width(0.8)
    pdf.line(MARGIN, y, PAGE_W - MARGIN, y)
    pdf.set_line_width(0.25)
    pdf.line(MARGIN, y + 1.1, PAGE_W - MARGIN, y + 1.1)
    pdf.text_line(MARGIN, y + 2.5, 6, CONTENT_W, f"证明编号：{c.number}", size=9.5, align="R")
    pdf.set_y(y + 10)


def _facts(pdf: _CertificatePdf, c: CertificateContent) -> None:
    # A selection states no count: "1 处" would read as the citizen's total.
    count = {HOLDINGS: f"{len(c.holdings)} 处", PARTIAL_HOLDINGS: wording.PARTIAL_STATEMENT,
             NO_HOLDINGS: "无"}[c.kind]
    grid = _Grid(pdf, (22, 63, 22, 63), size=10.5, line_h=6, pad_x=2.5, pad_y=1)
    for k1, v1, k2, v2 in (
        ("申请人", c.holder_name, "证件号码", c.masked_id_number),
        ("查询目的", c.purpose, "出具时间", _when(c.issued_at)),
        ("有效期至", _when(c.valid_until), "登记记录", count),
    ):
        grid.row([_Cell(k1, "C", "B", LABEL_FILL), _Cell(v1),
                  _Cell(k2, "C", "B", LABEL_FILL), _Cell(v2)])
    pdf.set_y(pdf.get_y() + 4)


def _finding(pdf: _CertificatePdf, c: CertificateContent) -> None:
    pdf.set_text_color(*INK)
    if c.kind == HOLDINGS:
        pdf.paragraph(_holdings_finding(len(c.holdings)), size=11, line_h=7)
    elif c.kind == PARTIAL_HOLDINGS:
        pdf.paragraph(PARTIAL_FINDING, size=11, line_h=7)
        pdf.paragraph(wording.PARTIAL_WARNING, size=11, line_h=7, style="B")
    else:
        pdf.paragraph(NO_HOLDINGS_FINDING, size=12.5, line_h=8, style="B")
    pdf.set_text_color(*GREY)
    pdf.paragraph(c.scope_note, size=9.5, line_h=5.5)
    pdf.set_text_color(*INK)
    pdf.set_y(pdf.get_y() + 3)


COL_WIDTHS = (9.0, 30.0, 27.0, 36.0, 12.0, 15.0, 15.0, 26.0)  # 170 mm
_COL_ALIGN = ("C", "L", "L", "L", "C", "R", "C", "L")


def _holdings(pdf: _CertificatePdf, c: CertificateContent) -> None:
    header = [_Cell(name, "C", "B", LABEL_FILL) for name in COLUMNS]
    grid = _Grid(pdf, COL_WIDTHS, size=8.5, line_h=4.3, header=header)
    for i, h in enumerate(c.holdings, start=1):
        texts = (str(i), _unit_no(h.unit_no), h.title_no, h.address, h.use,
                 _area(h.building_area), _co_ownership(h), _encumbrances(h.encumbrances))
        grid.row([_Cell(text, align) for text, align in zip(texts, _COL_ALIGN, strict=True)])
    pdf.set_y(pdf.get_y() + 4)


_NOTE_SIZE, _NOTE_LINE = 8.5, 4.6


def _closing(pdf: _CertificatePdf, c: CertificateContent, qr_png: bytes) -> None:
    notes = _notes(c)
    needed = 9 + 6 + 4 + BOTTOM_BLOCK_H + sum(
        pdf.paragraph_height(note, size=_NOTE_SIZE, line_h=_NOTE_LINE, width=CONTENT_W - 4)
        for note in notes)
    if pdf.get_y() + needed > pdf.page_break_trigger:
        pdf.add_page()

    pdf.set_text_color(*INK)
    pdf.text_line(MARGIN + 7.5, pdf.get_y(), 7, CONTENT_W, CLOSING, size=11)
    pdf.set_y(pdf.get_y() + 9)
    pdf.text_line(MARGIN, pdf.get_y(), 6, CONTENT_W, "说明：", size=9, style="B")
    pdf.set_y(pdf.get_y() + 6)
    for note in notes:
        pdf.paragraph(note, size=_NOTE_SIZE, line_h=_NOTE_LINE, x=MARGIN + 2,
                      width=CONTENT_W - 4)
    pdf.set_y(pdf.get_y() + 4)

    # Bottom block: the QR code and how to verify on the left; issuer, date and seal on
    # the right.
    top = pdf.get_y()
    pdf.image(io.BytesIO(qr_png), x=MARGIN, y=top, w=QR_SIZE, h=QR_SIZE)
    x, width = MARGIN + QR_SIZE + 4, 66.0
    pdf.text_line(x, top, 6, width, "扫码核验", size=9.5, style="B")
    pdf.text_line(x, top + 6.5, 5.5, width, f"证明编号：{c.number}", size=8.5)
    pdf.text_line(x, top + 12, 6, width, "验证码：", size=8.5)
    pdf.text_line(x + 13, top + 12, 6, width - 13, c.verification_code, size=10.5,
                  style="B")
    pdf.text_line(x, top + 18, 5.5, width, "核验网址：", size=8.5)
    pdf.set_y(top + 23.5)
    pdf.paragraph(c.verify_url, size=7.5, line_h=3.6, x=x, width=width)

    right = PAGE_W - MARGIN
    pdf.text_line(right - 64, top + 14, 7, 64, ISSUER_LINE, size=11, align="R")
    pdf.text_line(right - 64, top + 22, 7, 64, _when(c.issued_at, time=False), size=11,
                  align="R")
    # The seal straddles the issuer's name and the date, as a stamp does on paper.
    draw_seal(pdf, right - 27, top + 20, radius=SEAL_RADIUS, family=FAMILY)
    pdf.set_y(top + BOTTOM_BLOCK_H)


def _validate(c: CertificateContent) -> None:
    if c.kind not in TITLES:
        raise ValueError(f"unknown certificate kind {c.kind!r}")
    if c.kind == NO_HOLDINGS and c.holdings:
        raise ValueError("a NO_HOLDINGS certificate lists no holdings")
    if c.kind != NO_HOLDINGS and not c.holdings:
        raise ValueError(f"a {c.kind} certificate lists at least one holding")


def render_certificate(c: CertificateContent) -> bytes:
    """The unsigned PDF of ``c``: A4 portrait, Chinese, subset-embedded font."""
    _validate(c)
    fonts = _fonts()
    regular_chars = set("".join(_template_strings()) + "".join(_content_strings(c))) | _ASCII
    bold_chars = set(_BOLD_TEMPLATE) | _ASCII
    missing = sorted({ch for ch in regular_chars if ch.isprintable() and not fonts.supports(ch)})
    if missing:
        # Rare characters (e.g. CJK Extension B in a name) that Noto Sans SC lacks print
        # as an empty box: say so rather than refuse the citizen's certificate.
        logger.warning("certificate %s: no glyph for %s", c.number,
                       " ".join(f"U+{ord(ch):04X}" for ch in missing))

    pdf = _CertificatePdf(c)
    _add_font(pdf, "", fonts.static_font("", regular_chars))
    _add_font(pdf, "B", fonts.static_font("B", bold_chars))
    pdf.set_creation_date(c.issued_at)
    pdf.set_title(f"{TITLES[c.kind]} {c.number}")
    pdf.set_author(SEAL_NAME)
    pdf.set_subject(TITLES[c.kind])
    pdf.set_creator(SEAL_NAME)
    pdf.set_lang("zh-CN")
    pdf.set_font(FAMILY, "", 10)

    pdf.add_page()
    _title(pdf, c)
    _facts(pdf, c)
    _finding(pdf, c)
    if c.kind != NO_HOLDINGS:
        _holdings(pdf, c)
    _closing(pdf, c, _qr_png(c.qr_payload))
    return bytes(pdf.output())
