from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry

from api.models import LoginSession
from api.services.session import errors as se
from api.services.session.login import Challenge
from api.services.session.sessions import IssuedTokens


@strawberry.enum(description="办事渠道")
class Channel(Enum):
    FOSHANTONG = "FOSHANTONG"
    YUESHENGSHI = "YUESHENGSHI"
    KIOSK = "KIOSK"


@strawberry.enum(description="认证等级：L1 短信验证码，L2 刷脸")
class AssuranceLevel(Enum):
    L1 = "L1"
    L2 = "L2"


@strawberry.input(description="开始刷脸登录")
class StartFaceLoginInput:
    name: str = strawberry.field(description="姓名（与身份证一致）")
    id_number: str = strawberry.field(description="18 位居民身份证号码")
    channel: Channel = strawberry.field(description="登录渠道")
    consent_version: str = strawberry.field(
        description="用户已阅读并同意的《人脸识别信息处理告知书》版本号；与当前版本不符时返回 ConsentRequired")


@strawberry.input(description="已登记自助终端对本次采集的签名（ECDSA P-256，见 README「自助终端安装」）")
class KioskCaptureInput:
    kiosk_id: str = strawberry.field(description="终端编号（登记时分配，如 K-3F9A2C7D）")
    signature: str = strawberry.field(
        description="终端密钥对 challengeId、nonce、照片 SHA-256 与所读身份证的签名（r||s，base64url）")


@strawberry.input(description="提交自拍完成刷脸登录")
class CompleteFaceLoginInput:
    challenge_id: str = strawberry.field(description="startFaceLogin 返回的 challengeId")
    image: str = strawberry.field(description="自拍照，base64 编码的 JPEG 或 PNG（可带 data: 前缀）")
    platform_assertion: str | None = strawberry.field(
        default=None,
        description="小程序平台活体检测返回的签名结果（须绑定本次 nonce 并指向本人）；仍会与证件照比对。"
                    "生产环境中手机端刷脸必须提供")
    kiosk: KioskCaptureInput | None = strawberry.field(
        default=None, description="大厅自助终端采集时必填：终端对本次采集的签名")


@strawberry.input(description="开始短信验证码登录（无需刷脸，认证等级 L1）")
class StartSmsLoginInput:
    name: str = strawberry.field(description="姓名")
    id_number: str = strawberry.field(description="18 位居民身份证号码")
    channel: Channel = strawberry.field(description="登录渠道")


@strawberry.input(description="提交短信验证码")
class CompleteSmsLoginInput:
    challenge_id: str = strawberry.field(description="startSmsLogin 返回的 challengeId")
    code: str = strawberry.field(description="短信中的 6 位验证码")


@strawberry.type(description="刷脸挑战：在有效期内提交一次自拍")
class FaceChallenge:
    challenge_id: str = strawberry.field(description="挑战编号，单次有效")
    nonce: str = strawberry.field(description="服务器随机数，小程序平台的活体检测结果须绑定它")
    expires_at: datetime = strawberry.field(description="过期时间")

    @classmethod
    def from_model(cls, c: Challenge) -> FaceChallenge:
        return cls(challenge_id=c.challenge_id, nonce=c.nonce, expires_at=c.expires_at)


@strawberry.type(description="若姓名与身份证号码无误，验证码已发送至登记的手机（为防止冒用，不提示是否匹配）")
class SmsChallenge:
    challenge_id: str = strawberry.field(description="挑战编号")
    masked_phone: str | None = strawberry.field(
        description="始终为 null：身份未经验证前不显示手机号（保留字段，兼容旧客户端）")
    expires_at: datetime = strawberry.field(description="验证码过期时间")

    @classmethod
    def from_model(cls, c: Challenge) -> SmsChallenge:
        return cls(challenge_id=c.challenge_id, masked_phone=None, expires_at=c.expires_at)


@strawberry.type(description="当前登录的市民（仅脱敏信息）")
class CitizenProfile:
    masked_name: str = strawberry.field(description="脱敏姓名，如 陈**")
    masked_id_number: str = strawberry.field(description="脱敏身份证号，如 440***********123X")


@strawberry.type(description="登录成功")
class LoginSuccess:
    access_token: str = strawberry.field(description="访问令牌（Bearer），有效期见 expiresIn")
    refresh_token: str = strawberry.field(description="刷新令牌，每次刷新后轮换，旧令牌作废")
    expires_in: int = strawberry.field(description="访问令牌有效秒数")
    assurance_level: AssuranceLevel = strawberry.field(description="本次登录的认证等级")
    citizen: CitizenProfile

    @classmethod
    def from_model(cls, t: IssuedTokens, profile: CitizenProfile) -> LoginSuccess:
        return cls(access_token=t.access_token, refresh_token=t.refresh_token,
                   expires_in=t.expires_in, assurance_level=AssuranceLevel(t.assurance_level),
                   citizen=profile)


@strawberry.type(description="令牌已刷新")
class SessionRefreshed:
    access_token: str
    refresh_token: str
    expires_in: int
    assurance_level: AssuranceLevel

    @classmethod
    def from_model(cls, t: IssuedTokens) -> SessionRefreshed:
        return cls(access_token=t.access_token, refresh_token=t.refresh_token,
                   expires_in=t.expires_in, assurance_level=AssuranceLevel(t.assurance_level))


@strawberry.type(description="已登录的设备")
class DeviceSession:
    id: strawberry.ID
    channel: str
    device_label: str = strawberry.field(description="设备描述（来自客户端 User-Agent 摘要）")
    assurance_level: AssuranceLevel
    created_at: datetime
    last_used_at: datetime
    current: bool = strawberry.field(description="是否为发起本次请求的设备")
    revoked: bool
    kiosk_id: str | None = strawberry.field(
        default=None, description="在大厅自助终端登录时为终端编号，否则为 null")

    @classmethod
    def from_model(cls, s: LoginSession, current_id: str) -> DeviceSession:
        return cls(id=strawberry.ID(s.id.hex), channel=s.channel, device_label=s.device_label,
                   assurance_level=AssuranceLevel(s.assurance_level), created_at=s.created_at,
                   last_used_at=s.last_used_at, current=s.id.hex == current_id,
                   revoked=s.revoked_at is not None, kiosk_id=s.kiosk_id)


@strawberry.type(description="已退出登录")
class LoggedOut:
    ok: bool = True


@strawberry.type(description="已撤销该设备的登录")
class SessionRevoked:
    session: DeviceSession


@strawberry.type(description="已撤回人脸识别授权；缓存的比对模板已删除，刷脸登录的会话已全部退出")
class ConsentWithdrawn:
    withdrawn: int = strawberry.field(description="撤回的授权条数")
    sessions_ended: int = strawberry.field(
        default=0, description="因此退出的刷脸登录（L2）会话数；含当前会话时须重新登录")


@strawberry.type(description="当前登录信息")
class Me:
    masked_name: str
    masked_id_number: str
    assurance_level: AssuranceLevel
    channel: str


StartFaceLoginResult = Annotated[
    FaceChallenge | se.InvalidIdNumber | se.ConsentRequired | se.AccountLocked | se.TooManyAttempts,
    strawberry.union("StartFaceLoginResult")]
CompleteFaceLoginResult = Annotated[
    LoginSuccess | se.FaceMismatch | se.NoFaceFound | se.MultipleFacesFound | se.FaceTooSmall
    | se.FacePartial | se.ReplayDetected | se.ImageInvalid | se.ImageTooLarge | se.ChallengeExpired
    | se.AccountLocked | se.IdentityNotFound | se.ConsentRequired | se.AssertionInvalid
    | se.LivenessRequired | se.FaceServiceBusy | se.NoReferencePhoto,
    strawberry.union("CompleteFaceLoginResult")]
StartSmsLoginResult = Annotated[
    SmsChallenge | se.InvalidIdNumber | se.IdentityNotFound | se.NoPhoneOnRecord | se.AccountLocked
    | se.TooManyAttempts, strawberry.union("StartSmsLoginResult")]
CompleteSmsLoginResult = Annotated[
    LoginSuccess | se.CodeMismatch | se.ChallengeExpired | se.AccountLocked,
    strawberry.union("CompleteSmsLoginResult")]
RefreshSessionResult = Annotated[SessionRefreshed | se.SessionExpired | se.RefreshConflict,
                                 strawberry.union("RefreshSessionResult")]
LogoutResult = Annotated[LoggedOut | se.SessionNotFound, strawberry.union("LogoutResult")]
RevokeSessionResult = Annotated[SessionRevoked | se.SessionNotFound,
                                strawberry.union("RevokeSessionResult")]
# One member today: a union so that a failure can be added without breaking clients.
WithdrawBiometricConsentResult = Annotated[ConsentWithdrawn,
                                           strawberry.union("WithdrawBiometricConsentResult")]
