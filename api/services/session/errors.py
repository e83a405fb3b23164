"""Why a login, refresh or session operation did not succeed."""

from __future__ import annotations

from api.errors import DomainError, ErrorCode, recovery
from api.providers.idnumber import InvalidIdNumber

__all__ = ["FACE_ERRORS", "AccountLocked", "AssertionInvalid", "ChallengeExpired", "CodeMismatch",
           "ConsentRequired", "FaceMismatch", "FacePartial", "FaceRejected", "FaceServiceBusy",
           "FaceTooSmall", "IdentityNotFound", "ImageInvalid", "ImageTooLarge", "InvalidIdNumber",
           "LivenessRequired", "MultipleFacesFound", "NoFaceFound", "NoPhoneOnRecord",
           "NoReferencePhoto", "RefreshConflict", "ReplayDetected", "SessionExpired",
           "SessionNotFound", "TooManyAttempts"]

_LEFT = "剩余尝试次数，用完后账户将临时锁定"
_RETRY = "多少秒后可以重试"


class IdentityNotFound(DomainError):
    code = ErrorCode.IDENTITY_NOT_FOUND
    summary = "身份核验未通过（登录接口不再返回，保留以兼容旧客户端）"


class ConsentRequired(DomainError):
    code = ErrorCode.CONSENT_REQUIRED
    summary = "需要同意当前版本的人脸识别告知书"
    current_version: str = recovery("当前告知书版本号")


class ChallengeExpired(DomainError):
    code = ErrorCode.CHALLENGE_EXPIRED
    summary = "挑战已过期或已使用"


class AccountLocked(DomainError):
    """The raise site says which lock (this device, face login, SMS login)."""

    code = ErrorCode.ACCOUNT_LOCKED
    summary = "账户临时锁定"
    retry_after_seconds: int = recovery(_RETRY)


class TooManyAttempts(DomainError):
    code = ErrorCode.TOO_MANY_ATTEMPTS
    summary = "请求过于频繁"
    retry_after_seconds: int = recovery(_RETRY)


class FaceRejected(DomainError):
    """A face attempt failed; subclasses name why (one GraphQL type each)."""


class FaceMismatch(FaceRejected):
    # Also the answer for a name that does not match the ID number: until the
    # face proves who is there, the route never says whether the pair is real.
    code = ErrorCode.FACE_MISMATCH
    summary = "人脸比对未通过"
    attempts_left: int | None = recovery(_LEFT, default=None)


class ReplayDetected(FaceRejected):
    code = ErrorCode.REPLAY_DETECTED
    summary = "疑似翻拍证件照或重复提交的照片"
    attempts_left: int | None = recovery(_LEFT, default=None)


class AssertionInvalid(FaceRejected):
    code = ErrorCode.ASSERTION_INVALID
    summary = "活体检测结果（平台签名或终端签名）无效"
    attempts_left: int | None = recovery("剩余尝试次数，用完后将临时锁定", default=None)


class LivenessRequired(FaceRejected):
    """A plain photo (no platform assertion, no enrolled kiosk's signature)
    where plain photos are not accepted (production)."""

    code = ErrorCode.LIVENESS_REQUIRED
    summary = "需要活体检测：小程序平台的实人核验结果或大厅自助终端的签名采集"


class NoFaceFound(FaceRejected):
    code = ErrorCode.NO_FACE
    summary = "照片中未检测到人脸"


class MultipleFacesFound(FaceRejected):
    code = ErrorCode.MULTIPLE_FACES
    summary = "照片中有多张人脸"


class FaceTooSmall(FaceRejected):
    code = ErrorCode.FACE_TOO_SMALL
    summary = "人脸太小"


class FacePartial(FaceRejected):
    code = ErrorCode.FACE_PARTIAL
    summary = "人脸不完整（被画面边缘截断）"


class ImageInvalid(FaceRejected):
    code = ErrorCode.IMAGE_INVALID
    summary = "照片无法解析"


class ImageTooLarge(FaceRejected):
    code = ErrorCode.IMAGE_TOO_LARGE
    summary = "照片超过大小或像素上限"


class FaceServiceBusy(FaceRejected):
    code = ErrorCode.FACE_BUSY
    summary = "人脸识别服务繁忙"
    retry_after_seconds: int = recovery(_RETRY, default=5)


class NoReferencePhoto(FaceRejected):
    code = ErrorCode.NO_REFERENCE_PHOTO
    summary = "无可用证件照"


FACE_ERRORS: dict[str, type[FaceRejected]] = {cls.code: cls for cls in (
    FaceMismatch, ReplayDetected, AssertionInvalid, LivenessRequired, NoFaceFound, MultipleFacesFound,
    FaceTooSmall, FacePartial, ImageInvalid, ImageTooLarge, FaceServiceBusy, NoReferencePhoto)}
# A crashed or closed pool: the client retries later, as when busy.
FACE_ERRORS["FACE_UNAVAILABLE"] = FaceServiceBusy


class CodeMismatch(DomainError):
    code = ErrorCode.CODE_MISMATCH
    summary = "验证码错误"
    attempts_left: int = recovery("剩余尝试次数")


class NoPhoneOnRecord(DomainError):
    code = ErrorCode.NO_PHONE_ON_RECORD
    summary = "无登记手机号（登录接口不再返回，保留以兼容旧客户端）"


class SessionExpired(DomainError):
    code = ErrorCode.SESSION_EXPIRED
    summary = "登录已失效"


class RefreshConflict(DomainError):
    code = ErrorCode.REFRESH_CONFLICT
    summary = "刷新冲突"


class SessionNotFound(DomainError):
    code = ErrorCode.SESSION_NOT_FOUND
    summary = "未找到该设备"
