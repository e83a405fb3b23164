from __future__ import annotations

import strawberry

from api.graphql.context import Info
from api.http.client_address import client_ip
from api.services.certificates import issuing as certificates
from auth.permissions import FaceVerified, NotInBatch
from resolvers.certificates.types import Certificate, CertificateVerification


def client_key(info: Info) -> str:
    request = info.context.request
    principal = info.context.principal
    if principal is not None and principal.kind == "client":
        return f"client:{principal.subject}"
    return f"ip:{client_ip(request)}"


@strawberry.type
class CertificateQuery:
    @strawberry.field(description="我的证明（需刷脸登录）", permission_classes=[FaceVerified])
    async def my_certificates(self, info: Info) -> list[Certificate]:
        return [Certificate.from_model(c, info.context.state)
                for c in await certificates.mine(info.context.citizen().subject)]

    @strawberry.field(description="本人的一份证明；他人的或不存在的编号都返回 null",
                      permission_classes=[FaceVerified])
    async def certificate(self, info: Info, id: strawberry.ID) -> Certificate | None:
        found = await certificates.own(info.context.citizen().subject, str(id))
        return Certificate.from_model(found, info.context.state) if found else None

    @strawberry.field(description="按证明编号和验证码核验（公开，按客户端与 IP 限流）",
                      permission_classes=[NotInBatch])
    async def verify_certificate(self, info: Info, number: str,
                                 code: str) -> CertificateVerification:
        v = await certificates.verify_by_code(
            info.context.state, number, code, client_key=client_key(info),
            verifier=_verifier_name(info), channel="ONLINE")
        return CertificateVerification.from_model(v)

    @strawberry.field(description="按二维码内容核验：先验签名（可离线），再查当前状态",
                      permission_classes=[NotInBatch])
    async def verify_certificate_payload(self, info: Info,
                                         payload: str) -> CertificateVerification:
        text = payload.rsplit("/v/", 1)[-1]
        v = await certificates.verify_statement(
            info.context.state, text, client_key=client_key(info),
            verifier=_verifier_name(info), channel="QR")
        return CertificateVerification.from_model(v)


def _verifier_name(info: Info) -> str:
    principal = info.context.principal
    if principal is not None and principal.kind == "client":
        return principal.subject
    return "扫码或网页核验"
