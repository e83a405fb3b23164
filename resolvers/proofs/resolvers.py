from __future__ import annotations

import strawberry

from api.graphql.context import Info
from api.models import ApiClient
from api.services.proofs import clients
from api.services.proofs import requests as proofs
from auth.permissions import FaceVerified, IsCitizen, IsClient
from resolvers.proofs.types import (
    DecideProofRequestInput,
    DecideProofRequestResult,
    GrantRevoked,
    ProofAnswer,
    ProofRequestDecided,
    ProofRequested,
    ProofRequestView,
    PropertyProofResult,
    RequestPropertyProofInput,
    RequestPropertyProofResult,
    RevokeGrantResult,
    ShareCodeView,
)


def _subject(info: Info) -> str:
    return info.context.citizen().subject


async def _client(info: Info) -> ApiClient:
    return await clients.get(info.context.client().subject)


@strawberry.type
class ProofQuery:
    @strawberry.field(description="机构：取回查询结果（授权有效期内、次数内）", permission_classes=[IsClient])
    async def property_proof(self, info: Info, request_id: strawberry.ID) -> PropertyProofResult:
        answer = await proofs.answer(info.context.state, await _client(info), str(request_id))
        return ProofAnswer.from_model(answer)

    @strawberry.field(description="我的授权码：出示给学校、派出所或银行的工作人员，10 分钟有效",
                      permission_classes=[IsCitizen])
    async def my_share_code(self, info: Info) -> ShareCodeView:
        code = await proofs.share_code(info.context.state, _subject(info))
        return ShareCodeView(code=code.code, expires_at=code.expires_at)

    @strawberry.field(description="待我授权的第三方查询", permission_classes=[IsCitizen])
    async def pending_proof_requests(self, info: Info) -> list[ProofRequestView]:
        return [ProofRequestView.from_model(r) for r in await proofs.pending(_subject(info))]

    @strawberry.field(description="我给出的授权（含已过期、已撤回）", permission_classes=[IsCitizen])
    async def my_grants(self, info: Info) -> list[ProofRequestView]:
        return [ProofRequestView.from_model(r) for r in await proofs.grants(_subject(info))]


@strawberry.type
class ProofMutation:
    @strawberry.mutation(description="机构：凭申请人授权码发起一次窄范围查询", permission_classes=[IsClient])
    async def request_property_proof(self, info: Info, input: RequestPropertyProofInput
                                     ) -> RequestPropertyProofResult:
        req = await proofs.request_proof(
            info.context.state, await _client(info), subject_code=input.subject_code,
            purpose=input.purpose.name, question=input.question.name,
            params={"district": input.district, "address": input.address,
                    "unitNo": input.unit_no})
        return ProofRequested(request_id=strawberry.ID(str(req.id)), decide_by=req.decide_by)

    @strawberry.mutation(description="同意或拒绝第三方查询（需刷脸登录）", permission_classes=[FaceVerified])
    async def decide_proof_request(self, info: Info, input: DecideProofRequestInput
                                   ) -> DecideProofRequestResult:
        req = await proofs.decide(info.context.state, _subject(info), str(input.request_id),
                                  approve=input.approve)
        return ProofRequestDecided(request=ProofRequestView.from_model(req))

    @strawberry.mutation(description="撤回授权，立即生效", permission_classes=[IsCitizen])
    async def revoke_grant(self, info: Info, request_id: strawberry.ID) -> RevokeGrantResult:
        req = await proofs.revoke(info.context.state, _subject(info), str(request_id))
        return GrantRevoked(request=ProofRequestView.from_model(req))
