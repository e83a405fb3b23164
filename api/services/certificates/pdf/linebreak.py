"""Line breaking: greedy, character by character, with the Chinese rules (禁则) and
whole short Latin/digit runs, measured with the font's own advances."""

from __future__ import annotations

from api.services.certificates.pdf.fonts import StaticFont

# Chinese line-breaking rules (禁则): these never start a line ...
_NO_LINE_START = frozenset("，。、；：？！）》」』】〕〉”’,.;:!?)]}%…·㎡")
# ... and these never end one.
_NO_LINE_END = frozenset("（《「『【〔〈“‘([{")
_WORD = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")


def break_lines(text: str, width: float, char_width: dict[str, float]) -> list[str]:
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


class Widths(dict[str, float]):
    """Character widths (mm) in one font style and size, from the font's own advances.

    The same numbers fpdf2 lays text out with (it rounds advances to 1/1000 em, which
    at 1000 units per em they already are), without its per-call overhead.
    """

    def __init__(self, font: StaticFont, size_pt: float) -> None:
        super().__init__()
        self._font, self._scale = font, size_pt / 1000 * 25.4 / 72

    def __missing__(self, ch: str) -> float:
        width = self[ch] = self._font.advances.get(ch, self._font.missing_advance) * self._scale
        return width
