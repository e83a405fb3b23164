from __future__ import annotations

import strawberry

from api.graphql.context import Info
from api.services.session import citizens, consent, sessions
from auth.permissions import IsCitizen
from resolvers.session.types import AssuranceLevel, DeviceSession, Me


@strawberry.type(description="《人脸识别信息处理告知书》：刷脸前须向市民展示并取得同意")
class BiometricConsentNotice:
    version: str = strawberry.field(description="版本号；startFaceLogin 的 consentVersion 须与之一致")
    title: str
    paragraphs: list[str] = strawberry.field(description="正文，按段落")


@strawberry.type
class SessionQuery:
    @strawberry.field(description="当前版本的人脸识别信息处理告知书（公开）")
    def biometric_consent_notice(self, info: Info) -> BiometricConsentNotice:
        notice = consent.current(info.context.settings.biometric_consent_version)
        return BiometricConsentNotice(version=notice.version, title=notice.title,
                                      paragraphs=list(notice.paragraphs))

    @strawberry.field(description="当前登录的市民（脱敏）", permission_classes=[IsCitizen])
    async def me(self, info: Info) -> Me:
        p = info.context.citizen()
        citizen = await citizens.get(p.subject)
        return Me(masked_name=citizen.masked_name, masked_id_number=citizen.masked_id_number,
                  assurance_level=AssuranceLevel(p.assurance_level), channel=p.channel)

    @strawberry.field(description="我的设备：当前有效的登录", permission_classes=[IsCitizen])
    async def my_sessions(self, info: Info) -> list[DeviceSession]:
        p = info.context.citizen()
        return [DeviceSession.from_model(s, p.session_id)
                for s in await sessions.my_sessions(p.subject)]
