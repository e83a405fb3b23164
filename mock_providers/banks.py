"""Mock of the banks' repayment confirmations (结清证明) for mortgage cancellation."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime

from api.providers.answers import sealed
from api.providers.banks import RepaymentConfirmation
from mock_providers.department_models import RepaymentRow


def repayment_document(bank: str, proof_no: str, repaid_on: date, document_no: str) -> str:
    """The e-document's text; its UTF-8 bytes are what ``document_sha256`` covers."""
    return (f"结清证明（编号：{document_no}）\n{bank}确认：不动产登记证明号{proof_no}所担保的主债权已于"
            f"{repaid_on:%Y年%m月%d日}全部清偿，本行同意办理抵押权注销登记。\n")


class MockBankConfirmations:
    async def repayment_confirmation(self, proof_no: str) -> RepaymentConfirmation | None:
        row = await RepaymentRow.get_or_none(proof_no=proof_no.strip())
        if row is None:
            return None
        return sealed(RepaymentConfirmation, fetched_at=datetime.now(UTC), proof_no=row.proof_no,
                      bank=row.bank, confirmed=True, repaid_on=row.repaid_on,
                      confirmed_at=row.confirmed_at, document_no=row.document_no,
                      document_sha256=row.document_sha256)

    async def repayment_document(self, document_no: str) -> bytes | None:
        row = await RepaymentRow.get_or_none(document_no=document_no)
        return None if row is None else row.document.encode()

    async def confirm(self, *, proof_no: str, bank: str, repaid_on: date,
                      confirmed_at: datetime, document_no: str) -> bool:
        """The bank confirms a repayment (seeding, tests); False if already confirmed."""
        if await RepaymentRow.exists(proof_no=proof_no):
            return False
        text = repayment_document(bank, proof_no, repaid_on, document_no)
        await RepaymentRow.create(proof_no=proof_no, bank=bank, repaid_on=repaid_on,
                                  confirmed_at=confirmed_at, document_no=document_no,
                                  document=text,
                                  document_sha256=hashlib.sha256(text.encode()).hexdigest())
        return True
