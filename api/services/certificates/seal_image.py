"""The visible round seal of the registration centre, drawn with vectors.

The PAdES signature that ``mock_providers/seal.py`` adds is invisible: what a
reader sees as the 公章 is drawn here, on the page, before signing. It follows
the usual layout of a Chinese official seal (GB/T-style 42 mm round seal): a
red ring, a five-pointed star in the centre, the organisation's name along the
top arc with each character upright towards the rim, and the seal's purpose
written straight below the star.

Every glyph used here must be in the fonts the caller added to ``pdf``:
``SEAL_TEXT`` lists the characters for that purpose.
"""

from __future__ import annotations

import math

from fpdf import FPDF

SEAL_NAME = "佛山市不动产登记中心"
SEAL_CAPTION = "不动产登记专用章"
SEAL_TEXT = SEAL_NAME + SEAL_CAPTION

# An official seal's red: close to the cinnabar of 印泥 and still red in greyscale prints.
SEAL_RGB = (218, 30, 40)

_PT_PER_MM = 72 / 25.4
# Noto Sans SC's ideographic em box spans -120..880 units: its centre is 0.38 em above
# the baseline, which is where a character has to sit to look centred on a point.
_EM_BOX_CENTRE = 0.38


def _star(cx: float, cy: float, r_out: float) -> list[tuple[float, float]]:
    """The ten corners of a regular five-pointed star, one point straight up."""
    r_in = r_out * math.sin(math.radians(18)) / math.sin(math.radians(126))  # ~0.382 r_out
    points = []
    for i in range(10):
        r = r_out if i % 2 == 0 else r_in
        angle = math.radians(90 + 36 * i)  # page y grows downwards: subtract the sine
        points.append((cx + r * math.cos(angle), cy - r * math.sin(angle)))
    return points


def _centred_char(pdf: FPDF, ch: str, x: float, y: float, size_mm: float) -> None:
    """Write ``ch`` so the centre of its em box lands on (x, y)."""
    width = pdf.get_string_width(ch)
    pdf.text(x - width / 2, y + _EM_BOX_CENTRE * size_mm, ch)


def draw_seal(pdf: FPDF, cx: float, cy: float, *, radius: float = 21.0, family: str,
              style: str = "B", name: str = SEAL_NAME, caption: str = SEAL_CAPTION) -> None:
    """Draw the seal centred on (cx, cy), in mm, over whatever is already on the page.

    The seal is painted in "multiply" blend mode, as ink is: black text under it
    stays readable, as on a stamped paper certificate.
    """
    ring = radius * 0.055  # ~1.2 mm on a 42 mm seal
    with pdf.local_context(blend_mode="Multiply", fill_opacity=0.92, stroke_opacity=0.92):
        pdf.set_draw_color(*SEAL_RGB)
        pdf.set_fill_color(*SEAL_RGB)
        pdf.set_text_color(*SEAL_RGB)
        pdf.set_line_width(ring)
        pdf.circle(cx, cy, radius - ring / 2, style="D")

        pdf.polyline(_star(cx, cy, radius * 0.31), polygon=True, style="F")

        # The name along the top arc: the characters' centres on a circle inside the ring,
        # spread over an arc that grows with the name's length, each turned so that its
        # top points away from the centre.
        size_mm = radius * 0.27
        pdf.set_font(family, style, size_mm * _PT_PER_MM)
        pdf.set_stretching(82)  # seal lettering is narrow and tall
        text_radius = radius - ring - 0.7 - size_mm / 2
        count = len(name)
        span = min(250.0, 24.0 * (count - 1)) if count > 1 else 0.0
        for i, ch in enumerate(name):
            theta = 90 + span / 2 - (span / (count - 1) * i if count > 1 else 0)
            x = cx + text_radius * math.cos(math.radians(theta))
            y = cy - text_radius * math.sin(math.radians(theta))
            with pdf.rotation(theta - 90, x, y):
                _centred_char(pdf, ch, x, y, size_mm)

        # The purpose, straight, between the star and the bottom of the ring.
        caption_mm = radius * 0.15
        pdf.set_font(family, style, caption_mm * _PT_PER_MM)
        pdf.set_stretching(88)
        width = pdf.get_string_width(caption)
        base_y = cy + radius * 0.56 + _EM_BOX_CENTRE * caption_mm
        pdf.text(cx - width / 2, base_y, caption)
        pdf.set_stretching(100)
