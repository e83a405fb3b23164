"""Why a third-party proof request, answer or grant operation did not succeed."""

from __future__ import annotations

from datetime import datetime

from api.services.errors import DomainError


class QuestionNotAllowed(DomainError):
    code = "QUESTION_NOT_ALLOWED"
    message = "贵单位的备案范围不包括该用途或该问题"


class ProofParametersInvalid(DomainError):
    """Missing, extra or malformed parameters: the message says what the question takes."""

    code = "PARAMETERS_INVALID"
    message = "查询参数不符合该问题的要求"


class SubjectNotFound(DomainError):
    code = "SUBJECT_NOT_FOUND"
    message = "授权码无效或已过期，请申请人在小程序中重新出示授权码"


class ProofRequestNotFound(DomainError):
    code = "PROOF_REQUEST_NOT_FOUND"
    message = "未找到该查询申请"


class AlreadyDecided(DomainError):
    code = "ALREADY_DECIDED"
    message = "该申请已处理或已过期"


class ProofPending(DomainError):
    code = "PROOF_PENDING"
    message = "申请人尚未授权，请稍后再查"

    def __init__(self, decide_by: datetime) -> None:
        super().__init__()
        self.decide_by = decide_by


class ProofDeclined(DomainError):
    code = "PROOF_DECLINED"
    message = "申请人拒绝了本次查询"


class GrantUnavailable(DomainError):
    """Expired, used up or revoked: the client learns nothing more."""

    code = "GRANT_UNAVAILABLE"
    message = "授权已过期、次数已用完或已被申请人撤回"


class InvalidClient(Exception):
    """Client authentication failed (RFC 6749 ``invalid_client``)."""
