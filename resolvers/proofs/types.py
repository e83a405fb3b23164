from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry

from api.models import ProofRequest
from api.services.proofs import errors as te
from api.services.proofs import questions as proof_questions
from api.services.proofs import requests as proofs
from api.services.purposes import LABELS as PURPOSE_LABELS


@strawberry.enum(description="第三方机构查询的用途")
class ProofPurpose(Enum):
    SCHOOL_ENROLMENT = strawberry.enum_value(
        "SCHOOL_ENROLMENT", description=PURPOSE_LABELS["SCHOOL_ENROLMENT"])
    HUKOU_TRANSFER = strawberry.enum_value(
        "HUKOU_TRANSFER", description=PURPOSE_LABELS["HUKOU_TRANSFER"])
    LOAN = strawberry.enum_value("LOAN", description=PURPOSE_LABELS["LOAN"])
    HOUSE_PURCHASE = strawberry.enum_value(
        "HOUSE_PURCHASE", description=PURPOSE_LABELS["HOUSE_PURCHASE"])


@strawberry.enum(description="可询问的问题（只回答是/否及用途所需的字段）")
class ProofQuestion(Enum):
    HOLDS_RESIDENCE_IN_DISTRICT = strawberry.enum_value(
        "HOLDS_RESIDENCE_IN_DISTRICT", description="是否在指定行政区持有住宅（参数 district）")
    HOLDS_RESIDENCE_AT_ADDRESS = strawberry.enum_value(
        "HOLDS_RESIDENCE_AT_ADDRESS",
        description="是否持有指定地址的住宅（参数 address：完整坐落，整体比对；或 unitNo）")
    HOLDS_NO_PROPERTY = strawberry.enum_value("HOLDS_NO_PROPERTY",
                                              description="在佛山市是否无不动产")
    UNIT_FREE_OF_SEIZURE = strawberry.enum_value(
        "UNIT_FREE_OF_SEIZURE", description="持有的指定单元是否未被查封（参数 unitNo）")


@strawberry.input(description="机构发起的查询")
class RequestPropertyProofInput:
    subject_code: str = strawberry.field(description="申请人在小程序中出示的授权码（10 分钟有效）")
    purpose: ProofPurpose
    question: ProofQuestion
    district: str | None = strawberry.field(
        default=None, description="行政区划代码，如 440604（HOLDS_RESIDENCE_IN_DISTRICT）")
    address: str | None = strawberry.field(
        default=None, description="完整的房屋坐落（HOLDS_RESIDENCE_AT_ADDRESS）：规范化后与登记簿"
        "坐落整体比对（全角/空格/开头的“广东省”“佛山市”不计），不做关键字或模糊匹配")
    unit_no: str | None = strawberry.field(
        default=None, description="28 位不动产单元号（UNIT_FREE_OF_SEIZURE，或代替 address）")


@strawberry.input(description="申请人对查询的决定")
class DecideProofRequestInput:
    request_id: strawberry.ID
    approve: bool


@strawberry.type(description="查询已提交，等待申请人授权")
class ProofRequested:
    request_id: strawberry.ID
    decide_by: datetime = strawberry.field(description="申请人须在此前授权，否则申请失效")


@strawberry.type(description="查询结果（仅含用途所需字段，其余为 null），附可离线验签的签名声明")
class ProofAnswer:
    request_id: strawberry.ID
    purpose: ProofPurpose
    question: ProofQuestion
    as_of: datetime = strawberry.field(description="结果对应的登记簿时点")
    answer: bool
    address: str | None = strawberry.field(description="房屋坐落（仅子女入学、户口迁移）")
    share: str | None = strawberry.field(description="申请人持有份额（仅子女入学）")
    statement: str = strawberry.field(
        description="ES256 签名声明（typ proof+jwt），可用 /.well-known/jwks.json 的公钥离线核验")

    @classmethod
    def from_model(cls, a: proofs.Answer) -> ProofAnswer:
        return cls(request_id=strawberry.ID(str(a.request.id)),
                   purpose=ProofPurpose(a.request.purpose),
                   question=ProofQuestion(a.request.question), as_of=a.as_of,
                   answer=bool(a.values["answer"]), address=a.values.get("address"),
                   share=a.values.get("share"), statement=a.statement)


@strawberry.type(description="发起查询的机构")
class Requester:
    id: str
    name: str
    kind: str = strawberry.field(description="SCHOOL / POLICE / BANK")


@strawberry.type(description="机构随问题提交的参数，原样展示给申请人")
class ProofParameter:
    name: str = strawberry.field(description="参数名：district / address / unitNo")
    label: str = strawberry.field(description="参数的中文名称")
    value: str = strawberry.field(description="机构提交的原值（未经改写）")
    meaning: str | None = strawberry.field(description="原值的含义，如行政区划代码对应的区名")


@strawberry.type(description="一次第三方查询（申请人视角）")
class ProofRequestView:
    id: strawberry.ID
    requester: Requester
    purpose: ProofPurpose
    question: ProofQuestion
    question_text: str = strawberry.field(description="问题的中文说明")
    parameters: list[ProofParameter] = strawberry.field(
        description="问题的参数（机构提交的原值）：同意前须向申请人逐项展示")
    disclosure: list[str] = strawberry.field(
        description="授权后将告知对方的全部内容；回答不会超出此列表")
    grant_days: int = strawberry.field(description="授权有效天数")
    max_uses: int = strawberry.field(description="授权可使用次数")
    status: str = strawberry.field(description="PENDING / APPROVED / DECLINED")
    decide_by: datetime
    valid_until: datetime | None
    uses_left: int | None
    revoked: bool

    @classmethod
    def from_model(cls, r: ProofRequest) -> ProofRequestView:
        span, uses = proofs.GRANT[r.purpose]
        approved = r.status == "APPROVED"
        return cls(id=strawberry.ID(str(r.id)),
                   requester=Requester(id=r.client.id, name=r.client.name, kind=r.client.kind),
                   purpose=ProofPurpose(r.purpose), question=ProofQuestion(r.question),
                   question_text=proofs.QUESTIONS[r.question],
                   parameters=[ProofParameter(name=p.name, label=p.label, value=p.value,
                                              meaning=p.meaning)
                               for p in proof_questions.parameters(r.params)],
                   disclosure=[proofs.FIELD_LABELS[f] for f in proofs.disclosed(r)],
                   grant_days=span.days, max_uses=uses, status=r.status, decide_by=r.decide_by,
                   valid_until=r.grant_until, uses_left=max(r.max_uses - r.uses, 0)
                   if approved else None, revoked=r.revoked_at is not None)


@strawberry.type(description="我的授权码：出示给办事机构的工作人员")
class ShareCodeView:
    code: str
    expires_at: datetime


@strawberry.type
class ProofRequestDecided:
    request: ProofRequestView


@strawberry.type
class GrantRevoked:
    request: ProofRequestView


RequestPropertyProofResult = Annotated[
    ProofRequested | te.QuestionNotAllowed | te.ProofParametersInvalid | te.SubjectNotFound,
    strawberry.union("RequestPropertyProofResult")]
PropertyProofResult = Annotated[
    ProofAnswer | te.ProofPending | te.ProofDeclined | te.GrantUnavailable
    | te.ProofRequestNotFound,
    strawberry.union("PropertyProofResult")]
DecideProofRequestResult = Annotated[ProofRequestDecided | te.ProofRequestNotFound
                                     | te.AlreadyDecided,
                                     strawberry.union("DecideProofRequestResult")]
RevokeGrantResult = Annotated[GrantRevoked | te.ProofRequestNotFound,
                              strawberry.union("RevokeGrantResult")]
