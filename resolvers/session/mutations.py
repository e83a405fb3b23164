from __future__ import annotations

import strawberry

from api.graphql.context import Info
from api.http.client_address import client_ip
from api.services.session import citizens, login, sessions
from auth.permissions import IsCitizen, NotClient, NotInBatch
from resolvers.session.types import (
    CitizenProfile,
    CompleteFaceLoginInput,
    CompleteFaceLoginResult,
    CompleteSmsLoginInput,
    CompleteSmsLoginResult,
    ConsentWithdrawn,
    DeviceSession,
    FaceChallenge,
    LoggedOut,
    LoginSuccess,
    LogoutResult,
    RefreshSessionResult,
    RevokeSessionResult,
    SessionRefreshed,
    SessionRevoked,
    SmsChallenge,
    StartFaceLoginInput,
    StartFaceLoginResult,
    StartSmsLoginInput,
    StartSmsLoginResult,
    WithdrawBiometricConsentResult,
)


def client_of(info: Info) -> login.Client:
    request = info.context.request
    return login.Client(ip=client_ip(request), device=request.headers.get("user-agent", "")[:80])


async def _success(tokens: sessions.IssuedTokens) -> LoginSuccess:
    citizen = await citizens.get(str(tokens.session.citizen_id))
    return LoginSuccess.from_model(tokens, CitizenProfile(
        masked_name=citizen.masked_name, masked_id_number=citizen.masked_id_number))


@strawberry.type
class SessionMutation:
    @strawberry.mutation(description="刷脸登录第一步：核对身份证号码格式并下发单次挑战（授权在本人完成刷脸后记录）",
                         permission_classes=[NotInBatch, NotClient])
    async def start_face_login(self, info: Info, input: StartFaceLoginInput) -> StartFaceLoginResult:
        c = await login.start_face_login(
            info.context.state, name=input.name, id_number=input.id_number,
            channel=input.channel.value, consent_version=input.consent_version,
            client=client_of(info))
        return FaceChallenge.from_model(c)

    @strawberry.mutation(description="刷脸登录第二步：提交活体检测结果（平台签名或终端签名）与自拍，与公安证件照比对",
                         permission_classes=[NotInBatch, NotClient])
    async def complete_face_login(self, info: Info,
                                  input: CompleteFaceLoginInput) -> CompleteFaceLoginResult:
        kiosk = (login.KioskCapture(input.kiosk.kiosk_id, input.kiosk.signature)
                 if input.kiosk is not None else None)
        tokens = await login.complete_face_login(
            info.context.state, challenge_id=input.challenge_id, image=input.image,
            assertion=input.platform_assertion, kiosk=kiosk, client=client_of(info))
        return await _success(tokens)

    @strawberry.mutation(description="短信验证码登录第一步（认证等级 L1，不能查看房产或开具证明）",
                         permission_classes=[NotInBatch, NotClient])
    async def start_sms_login(self, info: Info, input: StartSmsLoginInput) -> StartSmsLoginResult:
        c = await login.start_sms_login(info.context.state, name=input.name,
                                        id_number=input.id_number, channel=input.channel.value,
                                        client=client_of(info))
        return SmsChallenge.from_model(c)

    @strawberry.mutation(description="短信验证码登录第二步", permission_classes=[NotInBatch, NotClient])
    async def complete_sms_login(self, info: Info,
                                 input: CompleteSmsLoginInput) -> CompleteSmsLoginResult:
        tokens = await login.complete_sms_login(info.context.state, challenge_id=input.challenge_id,
                                                code=input.code, client=client_of(info))
        return await _success(tokens)

    @strawberry.mutation(description="用刷新令牌换取新的令牌对；旧刷新令牌随即作废",
                         permission_classes=[NotInBatch, NotClient])
    async def refresh_session(self, info: Info, refresh_token: str) -> RefreshSessionResult:
        tokens = await sessions.refresh(info.context.state, refresh_token)
        return SessionRefreshed.from_model(tokens)

    @strawberry.mutation(description="退出当前设备的登录，立即生效", permission_classes=[IsCitizen])
    async def logout(self, info: Info) -> LogoutResult:
        p = info.context.citizen()
        await sessions.logout(info.context.state, p.subject, p.session_id)
        return LoggedOut()

    @strawberry.mutation(description="撤销某台设备的登录（我的设备）", permission_classes=[IsCitizen])
    async def revoke_session(self, info: Info, session_id: strawberry.ID) -> RevokeSessionResult:
        p = info.context.citizen()
        s = await sessions.revoke(info.context.state, p.subject, str(session_id))
        return SessionRevoked(session=DeviceSession.from_model(s, p.session_id))

    @strawberry.mutation(description="撤回人脸识别授权；之后需重新同意才能刷脸登录",
                         permission_classes=[IsCitizen])
    async def withdraw_biometric_consent(self, info: Info) -> WithdrawBiometricConsentResult:
        citizen = await citizens.get(info.context.citizen().subject)
        n, ended = await login.withdraw_biometric_consent(info.context.state, citizen,
                                                          client_of(info))
        return ConsentWithdrawn(withdrawn=n, sessions_ended=ended)
