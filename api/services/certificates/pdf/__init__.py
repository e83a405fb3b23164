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
``fonts.NotoSansSC`` keeps the variable font open once per process, instantiates
the glyphs a document needs at wght 400 / 700 one by one (cached per process:
~1 ms the first time a character is met, nothing after), and builds for each
document a small static TrueType font holding exactly those glyphs. fpdf2
embeds that as a subset (``/FontFile2``, ``/BaseFont /MPDFAA+NotoSansSC…``)
with a ToUnicode map, so the text extracts and searches as Chinese.

Output is deterministic: the same content gives the same bytes (creation date
= issue time, fonts built in code-point order with fixed timestamps).

The package follows the document's parts: ``content`` (what it states), ``fonts``,
``labels`` (the fixed text and value formats), ``linebreak``, ``layout`` (page, text
placement, tables), ``qr`` and ``render`` (the certificate itself).
"""

from api.services.certificates.pdf.content import CertificateContent, HoldingRow
from api.services.certificates.pdf.render import render_certificate, warm_up

__all__ = ["CertificateContent", "HoldingRow", "render_certificate", "warm_up"]
