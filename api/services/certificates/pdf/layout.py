"""The page and its parts: A4 portrait geometry and colours, the document class (page
frame, continuation header, footer with the page count, text measured and placed on
the font's own metrics) and a bordered table whose rows grow with their text."""

from __future__ import annotations

import io
from dataclasses import dataclass

from fpdf import FPDF
from fpdf.enums import Align
from fpdf.fonts import TTFFont

from api.services.certificates.pdf.content import CertificateContent
from api.services.certificates.pdf.fonts import FAMILY, StaticFont
from api.services.certificates.pdf.linebreak import Widths, break_lines
from api.services.certificates.seal_image import SEAL_NAME
from api.services.certificates.wording import TITLES

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
class Cell:
    text: str
    align: str = "L"  # L, C or R
    style: str = ""  # "" or "B"
    fill: RGB | None = None


class CertificatePdf(FPDF):
    def __init__(self, c: CertificateContent) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.c = c
        self.set_margins(MARGIN, BODY_TOP, MARGIN)
        self.set_auto_page_break(True, margin=22)
        self._widths: dict[tuple[str, float], Widths] = {}
        self.advances: dict[str, StaticFont] = {}

    def use_font(self, style: str, font: StaticFont) -> None:
        """Register ``font`` (a document's static font) for ``style`` ("" or "B")."""
        # FPDF.add_font only takes a file path; this is its body for in-memory bytes
        # (fontTools opens a file object as well as a path). Checked against fpdf2 2.8.9.
        fontkey = f"{FAMILY.lower()}{style}"
        ttf = TTFFont(self, io.BytesIO(font.data), fontkey, style)  # type: ignore[arg-type]
        # Keep the glyph data as built: fpdf2 subsets and re-saves the font, and with
        # bounding boxes recalculated it would decompile and recompile every glyph.
        ttf.ttfont.recalcBBoxes = False
        self.fonts[fontkey] = ttf
        self.advances[style] = font

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

    def widths(self, style: str, size: float) -> Widths:
        key = (style, size)
        if key not in self._widths:
            self._widths[key] = Widths(self.advances[style], size)
        return self._widths[key]

    def measure(self, text: str, *, style: str = "", size: float) -> float:
        widths = self.widths(style, size)
        return sum(widths[ch] for ch in text)

    def wrap(self, text: str, width: float, *, style: str = "", size: float) -> list[str]:
        return break_lines(text, width, self.widths(style, size))

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


class Grid:
    """A bordered table whose rows grow with their wrapped text.

    A row that does not fit the rest of the page moves to the next one, under a
    repeated header row; a row taller than a whole page is split across pages.
    """

    def __init__(self, pdf: CertificatePdf, widths: tuple[float, ...], *, size: float,
                 line_h: float, header: list[Cell] | None = None, pad_x: float = 1.2,
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

    def _lines(self, cells: list[Cell]) -> list[list[str]]:
        return [self.pdf.wrap(cell.text, width - 2 * self.pad_x, style=cell.style,
                              size=self.size)
                for cell, width in zip(cells, self.widths, strict=True)]

    def row(self, cells: list[Cell]) -> None:
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

    def _draw(self, cells: list[Cell], lines: list[list[str]], *, full: bool) -> None:
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
