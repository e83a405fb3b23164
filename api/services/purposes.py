"""What a certificate or a third party's question is for (开具用途 / 查询用途).

Owns: the purpose codes and their Chinese labels, once, for the PDFs, the
verification pages, the access log, the GraphQL enums and the CLI. Which
purposes need the whole holdings is the certificates' rule
(``certificates/wording.py``); what each purpose may disclose and for how long
is the proofs' (``proofs/requests.py``).
"""

from __future__ import annotations

LABELS = {"SCHOOL_ENROLMENT": "子女入学", "HOUSE_PURCHASE": "购房", "TAX": "缴税",
          "LOAN": "贷款", "HUKOU_TRANSFER": "户口迁移", "OTHER": "其他"}

CERTIFICATE = ("SCHOOL_ENROLMENT", "HOUSE_PURCHASE", "TAX", "LOAN", "HUKOU_TRANSFER", "OTHER")
PROOF = ("SCHOOL_ENROLMENT", "HUKOU_TRANSFER", "LOAN", "HOUSE_PURCHASE")


def labelled(codes: tuple[str, ...]) -> dict[str, str]:
    return {code: LABELS[code] for code in codes}
