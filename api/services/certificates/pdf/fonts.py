"""The font: Noto Sans SC from the ``justmytype-intl-cjk`` wheel (OFL), a variable
TrueType font instanced per glyph at wght 400 / 700 and cached for the process, and
for each document a small static TrueType font holding exactly its glyphs (see the
package docstring for why)."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.resources import files

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.recordingPen import DecomposingRecordingPointPen
from fontTools.pens.ttGlyphPen import TTGlyphPointPen
from fontTools.ttLib import TTFont, newTable
from fontTools.ttLib.tables._g_l_y_f import Glyph

_FONT_PACKAGE = "justmytype_intl_cjk"
_FONT_FILE = ("fonts", "ofl", "notosanssc", "NotoSansSC[wght].ttf")
FAMILY = "NotoSansSC"
_WEIGHTS = {"": (400, "Regular"), "B": (700, "Bold")}
# Characters every document may print whatever its content: ASCII (numbers, codes, URLs).
ASCII = frozenset(chr(c) for c in range(0x20, 0x7F))
# Fixed font timestamps (seconds since 1904) so that the same text gives the same bytes.
_FONT_TIMESTAMP = 3_750_934_487  # the source font's head.modified


def _font_bytes() -> bytes:
    resource = files(_FONT_PACKAGE)
    for part in _FONT_FILE:
        resource = resource / part
    return resource.read_bytes()


@dataclass(frozen=True)
class StaticFont:
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


class NotoSansSC:
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

    def static_font(self, style: str, chars: Iterable[str]) -> StaticFont:
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
        return StaticFont(out.getvalue(), advances, outlines[".notdef"].advance)


_noto: NotoSansSC | None = None
_noto_lock = threading.Lock()


def noto_sans_sc() -> NotoSansSC:
    """The process's one instance (built on first use, ~0.5 s)."""
    global _noto
    with _noto_lock:
        if _noto is None:
            _noto = NotoSansSC()
        return _noto
