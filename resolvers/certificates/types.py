from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated, Any

import strawberry

from api.infra.state import AppState
from api.models import Certificate as CertificateModel
from api.services.certificates import errors as ce
from api.services.certificates import issuing as certificates
from api.services.certificates import wording
from api.services.certificates.issuing import Verification
from api.services.purposes import LABELS as PURPOSE_LABELS
from api.services.ratings import rating as ratings


@strawberry.enum(description="证明种类。子女入学、购房（限购）核查只能采信 HOLDINGS 与 NO_HOLDINGS")
class CertificateKind(Enum):
    HOLDINGS = strawberry.enum_value(
        "HOLDINGS", description="不动产登记查询结果证明：载明名下全部不动产")
    PARTIAL_HOLDINGS = strawberry.enum_value(
        "PARTIAL_HOLDINGS", description="部分不动产登记查询结果证明：只载明申请人选择的不动产"
        "（部分不动产，非名下全部），不载明总数；不能用于子女入学、购房（限购）核查")
    NO_HOLDINGS = strawberry.enum_value("NO_HOLDINGS", description="无房证明：名下无不动产")


@strawberry.enum(description="开具用途")
class CertificatePurpose(Enum):
    SCHOOL_ENROLMENT = strawberry.enum_value(
        "SCHOOL_ENROLMENT", description=PURPOSE_LABELS["SCHOOL_ENROLMENT"])
    HOUSE_PURCHASE = strawberry.enum_value(
        "HOUSE_PURCHASE", description=PURPOSE_LABELS["HOUSE_PURCHASE"])
    TAX = strawberry.enum_value("TAX", description=PURPOSE_LABELS["TAX"])
    LOAN = strawberry.enum_value("LOAN", description=PURPOSE_LABELS["LOAN"])
    HUKOU_TRANSFER = strawberry.enum_value(
        "HUKOU_TRANSFER", description=PURPOSE_LABELS["HUKOU_TRANSFER"])
    OTHER = strawberry.enum_value("OTHER", description=PURPOSE_LABELS["OTHER"])


@strawberry.enum(description="证明状态")
class CertificateStatus(Enum):
    VALID = strawberry.enum_value("VALID", description="有效")
    EXPIRED = strawberry.enum_value("EXPIRED", description="已过有效期")
    REVOKED = strawberry.enum_value("REVOKED", description="已作废")
    SUPERSEDED = strawberry.enum_value(
        "SUPERSEDED", description="出具后登记簿已变化：证明反映出具时的情况，但已不是最新")


@strawberry.enum(description="核验结果")
class VerificationStatus(Enum):
    VALID = "VALID"
    EXPIRED = "EXPIRED"
    REVOKED = "REVOKED"
    SUPERSEDED = "SUPERSEDED"
    NOT_FOUND = strawberry.enum_value("NOT_FOUND", description="编号或验证码不正确（两者不作区分）")
    INVALID_SIGNATURE = strawberry.enum_value("INVALID_SIGNATURE",
                                              description="二维码内容签名无效（被篡改或伪造）")


@strawberry.type(description="证明上载明的一处不动产（核验时返回的最少信息）")
class CertifiedProperty:
    title_no: str
    district: str
    address: str
    use: str
    restrictions: str = strawberry.field(description="权利限制，如 抵押（某银行）；无")


@strawberry.type(description="证明载明的事实（与纸面一致，不含完整身份证号）")
class CertificateFacts:
    kind: CertificateKind
    purpose: CertificatePurpose
    holder: str = strawberry.field(description="权利人姓名（脱敏）")
    id_number: str = strawberry.field(description="身份证号（脱敏）")
    issued_at: datetime
    valid_until: datetime
    properties: list[CertifiedProperty]
    covers_all_holdings: bool = strawberry.field(
        description="true：载明名下全部不动产（或名下无不动产），可用于子女入学、购房（限购）核查；"
        "false：部分不动产，非名下全部，properties 的条数不是名下总数")
    scope_statement: str = strawberry.field(
        description="载明范围：名下全部不动产 / 部分不动产，非名下全部 / 名下无不动产")

    @classmethod
    def from_facts(cls, f: dict[str, Any]) -> CertificateFacts:
        return cls(kind=CertificateKind(f["kind"]), purpose=CertificatePurpose(f["purpose"]),
                   covers_all_holdings=wording.covers_all(f["kind"]),
                   scope_statement=wording.SCOPES[f["kind"]],
                   holder=f["holder"], id_number=f["idNumber"],
                   issued_at=datetime.fromisoformat(f["issuedAt"]),
                   valid_until=datetime.fromisoformat(f["validUntil"]),
                   properties=[CertifiedProperty(title_no=p["titleNo"], district=p["district"],
                                                 address=p["address"], use=p["use"],
                                                 restrictions=p["restrictions"])
                               for p in f["properties"]])


@strawberry.type(description="一份已出具的电子证明")
class Certificate:
    id: strawberry.ID
    number: str = strawberry.field(description="证明编号")
    kind: CertificateKind
    purpose: CertificatePurpose
    status: CertificateStatus
    issued_at: datetime
    valid_until: datetime
    verification_code: str = strawberry.field(description="验证码（与编号一起用于核验）")
    download_url: str = strawberry.field(description="PDF 下载地址（短时有效，可直接在小程序 web-view 打开）")
    qr_payload: str = strawberry.field(description="二维码内容：核验页地址，含可离线验签的签名声明")
    pdf_sha256: str = strawberry.field(description="签章 PDF 的 SHA-256，已存档")
    facts: CertificateFacts
    revoked_reason: str | None

    @strawberry.field(description="评价这次开具时传给 rateService 的服务编号")
    def service_ref(self) -> strawberry.ID:
        return strawberry.ID(ratings.service_ref("CERTIFICATE", self.id))

    @classmethod
    def from_model(cls, c: CertificateModel, state: AppState) -> Certificate:
        base = state.settings.public_base_url.rstrip("/")
        token = certificates.download_token(state, c)
        return cls(id=strawberry.ID(str(c.id)), number=c.number, kind=CertificateKind(c.kind),
                   purpose=CertificatePurpose(c.purpose),
                   status=CertificateStatus(certificates.status_of(c)), issued_at=c.issued_at,
                   valid_until=c.valid_until,
                   verification_code=certificates.code_of(state, c),
                   download_url=f"{base}/files/certificates/{c.id}.pdf?t={token}",
                   qr_payload=certificates.verify_url(state, c.qr_payload),
                   pdf_sha256=c.pdf_sha256, facts=CertificateFacts.from_facts(c.facts),
                   revoked_reason=c.revoked_reason)


@strawberry.type(description="核验结果：编号/验证码错误与证明不存在的回答相同")
class CertificateVerification:
    status: VerificationStatus
    number: str | None = strawberry.field(description="证明编号（核验成功时）")
    facts: CertificateFacts | None = strawberry.field(description="证明载明的事实（有效、过期或已更新时）")
    revoked_reason: str | None
    checked_at: datetime

    @classmethod
    def from_model(cls, v: Verification) -> CertificateVerification:
        return cls(status=VerificationStatus(v.status),
                   number=v.certificate.number if v.certificate else None,
                   facts=CertificateFacts.from_facts(v.facts) if v.facts else None,
                   revoked_reason=v.certificate.revoked_reason if v.certificate else None,
                   checked_at=v.checked_at)


@strawberry.input(description="开具证明")
class IssueCertificateInput:
    kind: CertificateKind
    purpose: CertificatePurpose
    property_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="PARTIAL_HOLDINGS 必填：所选的不动产（myProperties 的 id），"
        "不能是名下全部；HOLDINGS 不填（或填名下全部），只选一部分时返回 SelectionNotWhole")
    idempotency_key: str | None = strawberry.field(
        default=None, description="客户端生成的请求编号：重复提交只出具一份")


@strawberry.type(description="证明已出具")
class CertificateIssued:
    certificate: Certificate


@strawberry.type(description="证明已作废")
class CertificateRevoked:
    certificate: Certificate


IssueCertificateResult = Annotated[
    CertificateIssued | ce.NoHoldingsToCertify | ce.HoldingsExist | ce.PropertyNotSelectable
    | ce.SelectionNotWhole | ce.NothingSelected | ce.SelectionIsWhole | ce.PurposeNeedsWholeHoldings
    | ce.IdempotencyConflict, strawberry.union("IssueCertificateResult")]
RevokeCertificateResult = Annotated[CertificateRevoked | ce.CertificateNotFound | ce.AlreadyRevoked,
                                    strawberry.union("RevokeCertificateResult")]
