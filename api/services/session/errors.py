"""Why a login, refresh or session operation did not succeed."""

from __future__ import annotations

from api.services.errors import DomainError


class IdentityNotFound(DomainError):
    code = "IDENTITY_NOT_FOUND"
    message = "姓名与身份证号码不匹配，请核对后重试"


class ConsentRequired(DomainError):
    code = "CONSENT_REQUIRED"
    message = "请先阅读并同意《人脸识别信息处理告知书》"

    def __init__(self, current_version: str) -> None:
        super().__init__()
        self.current_version = current_version


class ChallengeExpired(DomainError):
    code = "CHALLENGE_EXPIRED"
    message = "认证已过期，请重新开始"


class AccountLocked(DomainError):
    code = "ACCOUNT_LOCKED"
    message = "验证失败次数过多，已临时锁定，请稍后再试；也可携带身份证到登记大厅窗口办理"

    def __init__(self, retry_after_seconds: int, message: str | None = None) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class TooManyAttempts(DomainError):
    code = "TOO_MANY_ATTEMPTS"
    message = "操作过于频繁，请稍后再试"

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__()
        self.retry_after_seconds = retry_after_seconds


class InvalidIdNumber(DomainError):
    code = "INVALID_ID_NUMBER"
    message = "身份证号码格式不正确，请核对后重新输入"


class FaceRejected(DomainError):
    """A face attempt failed; subclasses name why (one GraphQL type each)."""

    def __init__(self, attempts_left: int | None = None) -> None:
        super().__init__()
        self.attempts_left = attempts_left


class FaceMismatch(FaceRejected):
    # Also the answer for a name that does not match the ID number: until the
    # face proves who is there, the route never says whether the pair is real.
    code = "FACE_MISMATCH"
    message = "人脸比对未通过：请核对姓名和身份证号码，并由本人正对镜头重试"


class ReplayDetected(FaceRejected):
    code = "REPLAY_DETECTED"
    message = "检测到翻拍或重复使用的照片，请本人正对镜头实时拍摄"


class AssertionInvalid(FaceRejected):
    code = "ASSERTION_INVALID"
    message = "活体检测结果无效或已过期，请重新进行人脸识别"


class LivenessRequired(FaceRejected):
    """A plain photo (no platform assertion, no enrolled kiosk's signature)
    where plain photos are not accepted (production)."""

    code = "LIVENESS_REQUIRED"
    message = "请在“佛山通”或“粤省事”小程序内完成刷脸（活体检测），或到登记大厅的自助终端办理；不支持上传相册照片"


class NoFaceFound(FaceRejected):
    code = "NO_FACE"
    message = "未检测到人脸，请正对镜头、保持光线充足后重试"


class MultipleFacesFound(FaceRejected):
    code = "MULTIPLE_FACES"
    message = "画面中有多张人脸，请确保只有本人在镜头前"


class FaceTooSmall(FaceRejected):
    code = "FACE_TOO_SMALL"
    message = "人脸太小，请靠近镜头，让面部占据取景框的主要部分"


class FacePartial(FaceRejected):
    code = "FACE_PARTIAL"
    message = "人脸不完整，请将整张脸置于画面中央后重试"


class ImageInvalid(FaceRejected):
    code = "IMAGE_INVALID"
    message = "照片无法识别，请上传 JPEG 或 PNG 格式的照片"


class ImageTooLarge(FaceRejected):
    code = "IMAGE_TOO_LARGE"
    message = "照片过大，请压缩后重新上传"


class FaceServiceBusy(FaceRejected):
    code = "FACE_BUSY"
    message = "人脸识别服务繁忙，请稍后重试"

    def __init__(self, retry_after_seconds: int = 5) -> None:
        super().__init__()
        self.retry_after_seconds = retry_after_seconds


class NoReferencePhoto(FaceRejected):
    code = "NO_REFERENCE_PHOTO"
    message = "公安系统中没有可用于比对的证件照片，请使用短信验证码登录或到大厅办理"


FACE_ERRORS: dict[str, type[FaceRejected]] = {cls.code: cls for cls in (
    FaceMismatch, ReplayDetected, AssertionInvalid, LivenessRequired, NoFaceFound, MultipleFacesFound,
    FaceTooSmall, FacePartial, ImageInvalid, ImageTooLarge, FaceServiceBusy, NoReferencePhoto)}
# A crashed or closed pool: the client retries later, as when busy.
FACE_ERRORS["FACE_UNAVAILABLE"] = FaceServiceBusy


class CodeMismatch(DomainError):
    code = "CODE_MISMATCH"
    message = "验证码不正确"

    def __init__(self, attempts_left: int) -> None:
        super().__init__()
        self.attempts_left = attempts_left


class NoPhoneOnRecord(DomainError):
    code = "NO_PHONE_ON_RECORD"
    message = "未查询到您登记的手机号，请使用刷脸登录或到大厅办理"


class SessionExpired(DomainError):
    code = "SESSION_EXPIRED"
    message = "登录已失效，请重新登录"


class RefreshConflict(DomainError):
    code = "REFRESH_CONFLICT"
    message = "登录状态已在其他请求中更新，请使用最新凭证"


class SessionNotFound(DomainError):
    code = "SESSION_NOT_FOUND"
    message = "未找到该登录设备"
