"""The certificate, top to bottom: title, facts, finding and scope, the holdings
table, the closing (notes, QR code, issuer, date, seal); ``render_certificate`` puts
them on the page, ``warm_up`` prepares the font cache."""

from __future__ import annotations

import io
import logging

from api.services.certificates import wording
from api.services.certificates.pdf import labels
from api.services.certificates.pdf.content import CertificateContent
from api.services.certificates.pdf.fonts import ASCII, FAMILY, noto_sans_sc
from api.services.certificates.pdf.layout import (
    BODY_TOP,
    BOTTOM_BLOCK_H,
    CONTENT_W,
    FRAME,
    GREY,
    INK,
    LABEL_FILL,
    MARGIN,
    PAGE_W,
    QR_SIZE,
    SEAL_RADIUS,
    Cell,
    CertificatePdf,
    Grid,
)
from api.services.certificates.pdf.qr import qr_png
from api.services.certificates.seal_image import SEAL_NAME, draw_seal
from api.services.certificates.wording import HOLDINGS, NO_HOLDINGS, PARTIAL_HOLDINGS, TITLES

logger = logging.getLogger("api.services.certificates.pdf")


def warm_up() -> None:
    """Load the font and instantiate the template's glyphs (~0.5 s, once per process).

    Optional: the first certificate does this by itself otherwise. Call it at
    start-up (in a thread) to keep that time out of the first request.
    """
    fonts = noto_sans_sc()
    template = "".join(labels.template_strings())
    for style, chars in (("", template), ("B", labels.BOLD_TEMPLATE)):
        fonts.static_font(style, set(chars) | ASCII)


def _title(pdf: CertificatePdf, c: CertificateContent) -> None:
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


def _facts(pdf: CertificatePdf, c: CertificateContent) -> None:
    # A selection states no count: "1 处" would read as the citizen's total.
    count = {HOLDINGS: f"{len(c.holdings)} 处", PARTIAL_HOLDINGS: wording.PARTIAL_STATEMENT,
             NO_HOLDINGS: "无"}[c.kind]
    grid = Grid(pdf, (22, 63, 22, 63), size=10.5, line_h=6, pad_x=2.5, pad_y=1)
    for k1, v1, k2, v2 in (
        ("申请人", c.holder_name, "证件号码", c.masked_id_number),
        ("查询目的", c.purpose, "出具时间", labels.when(c.issued_at)),
        ("有效期至", labels.when(c.valid_until), "登记记录", count),
    ):
        grid.row([Cell(k1, "C", "B", LABEL_FILL), Cell(v1),
                  Cell(k2, "C", "B", LABEL_FILL), Cell(v2)])
    pdf.set_y(pdf.get_y() + 4)


def _finding(pdf: CertificatePdf, c: CertificateContent) -> None:
    pdf.set_text_color(*INK)
    if c.kind == HOLDINGS:
        pdf.paragraph(labels.holdings_finding(len(c.holdings)), size=11, line_h=7)
    elif c.kind == PARTIAL_HOLDINGS:
        pdf.paragraph(labels.PARTIAL_FINDING, size=11, line_h=7)
        pdf.paragraph(wording.PARTIAL_WARNING, size=11, line_h=7, style="B")
    else:
        pdf.paragraph(labels.NO_HOLDINGS_FINDING, size=12.5, line_h=8, style="B")
    pdf.set_text_color(*GREY)
    pdf.paragraph(c.scope_note, size=9.5, line_h=5.5)
    pdf.set_text_color(*INK)
    pdf.set_y(pdf.get_y() + 3)


COL_WIDTHS = (9.0, 30.0, 27.0, 36.0, 12.0, 15.0, 15.0, 26.0)  # 170 mm
_COL_ALIGN = ("C", "L", "L", "L", "C", "R", "C", "L")


def _holdings(pdf: CertificatePdf, c: CertificateContent) -> None:
    header = [Cell(name, "C", "B", LABEL_FILL) for name in labels.COLUMNS]
    grid = Grid(pdf, COL_WIDTHS, size=8.5, line_h=4.3, header=header)
    for i, h in enumerate(c.holdings, start=1):
        texts = (str(i), labels.unit_no(h.unit_no), h.title_no, h.address, h.use,
                 labels.area(h.building_area), labels.co_ownership(h),
                 labels.encumbrances(h.encumbrances))
        grid.row([Cell(text, align) for text, align in zip(texts, _COL_ALIGN, strict=True)])
    pdf.set_y(pdf.get_y() + 4)


_NOTE_SIZE, _NOTE_LINE = 8.5, 4.6


def _closing(pdf: CertificatePdf, c: CertificateContent, qr_image: bytes) -> None:
    notes = labels.notes(c)
    needed = 9 + 6 + 4 + BOTTOM_BLOCK_H + sum(
        pdf.paragraph_height(note, size=_NOTE_SIZE, line_h=_NOTE_LINE, width=CONTENT_W - 4)
        for note in notes)
    if pdf.get_y() + needed > pdf.page_break_trigger:
        pdf.add_page()

    pdf.set_text_color(*INK)
    pdf.text_line(MARGIN + 7.5, pdf.get_y(), 7, CONTENT_W, labels.CLOSING, size=11)
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
    pdf.image(io.BytesIO(qr_image), x=MARGIN, y=top, w=QR_SIZE, h=QR_SIZE)
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
    pdf.text_line(right - 64, top + 14, 7, 64, labels.ISSUER_LINE, size=11, align="R")
    pdf.text_line(right - 64, top + 22, 7, 64, labels.when(c.issued_at, time=False), size=11,
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
    fonts = noto_sans_sc()
    regular_chars = set("".join(labels.template_strings())
                        + "".join(labels.content_strings(c))) | ASCII
    bold_chars = set(labels.BOLD_TEMPLATE) | ASCII
    missing = sorted({ch for ch in regular_chars if ch.isprintable() and not fonts.supports(ch)})
    if missing:
        # Rare characters (e.g. CJK Extension B in a name) that Noto Sans SC lacks print
        # as an empty box: say so rather than refuse the citizen's certificate.
        logger.warning("certificate %s: no glyph for %s", c.number,
                       " ".join(f"U+{ord(ch):04X}" for ch in missing))

    pdf = CertificatePdf(c)
    pdf.use_font("", fonts.static_font("", regular_chars))
    pdf.use_font("B", fonts.static_font("B", bold_chars))
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
    _closing(pdf, c, qr_png(c.qr_payload))
    return bytes(pdf.output())
