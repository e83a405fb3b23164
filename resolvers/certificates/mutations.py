from __future__ import annotations

import strawberry

from api.graphql.context import Info
from api.services.certificates import issuing as certificates
from auth.permissions import FaceVerified, IsStaff
from resolvers.certificates.types import (
    Certificate,
    CertificateIssued,
    CertificateRevoked,
    IssueCertificateInput,
    IssueCertificateResult,
    RevokeCertificateResult,
)


@strawberry.type
class CertificateMutation:
    @strawberry.mutation(description="开具电子证明（需刷脸登录）：约一秒生成带电子签章的 PDF",
                         permission_classes=[FaceVerified])
    async def issue_certificate(self, info: Info,
                                input: IssueCertificateInput) -> IssueCertificateResult:
        principal = info.context.citizen()
        issued = await certificates.issue(
            info.context.state, principal.subject, kind=input.kind.name,
            purpose=input.purpose.name,
            property_ids=[str(p) for p in input.property_ids] if input.property_ids else None,
            idempotency_key=input.idempotency_key, channel=principal.channel)
        return CertificateIssued(certificate=Certificate.from_model(issued.certificate,
                                                                    info.context.state))

    @strawberry.mutation(description="作废证明（登记中心工作人员），须填写原因，留痕",
                         permission_classes=[IsStaff])
    async def revoke_certificate(self, info: Info, id: strawberry.ID,
                                 reason: str) -> RevokeCertificateResult:
        cert = await certificates.revoke(info.context.state, str(id), reason=reason,
                                         staff=f"staff:{info.context.staff().subject}")
        return CertificateRevoked(certificate=Certificate.from_model(cert, info.context.state))
