"""Why a third-party proof request, answer or grant operation did not succeed."""

from __future__ import annotations

from datetime import datetime

from api.errors import DomainError, ErrorCode, recovery


class QuestionNotAllowed(DomainError):
    code = ErrorCode.QUESTION_NOT_ALLOWED
    summary = "超出备案范围"


class ProofParametersInvalid(DomainError):
    """Missing, extra or malformed parameters: the message says what the question takes."""

    code = ErrorCode.PARAMETERS_INVALID
    summary = "查询参数缺失、多余或格式不对（message 说明该问题的参数）"


class SubjectNotFound(DomainError):
    code = ErrorCode.SUBJECT_NOT_FOUND
    summary = "授权码无效"


class ProofRequestNotFound(DomainError):
    code = ErrorCode.PROOF_REQUEST_NOT_FOUND
    summary = "查询申请不存在"


class AlreadyDecided(DomainError):
    code = ErrorCode.ALREADY_DECIDED
    summary = "已处理"


class ProofPending(DomainError):
    code = ErrorCode.PROOF_PENDING
    summary = "等待授权"
    decide_by: datetime = recovery("申请人授权期限")


class ProofDeclined(DomainError):
    code = ErrorCode.PROOF_DECLINED
    summary = "申请人拒绝"


class GrantUnavailable(DomainError):
    """Expired, used up or revoked: the client learns nothing more."""

    code = ErrorCode.GRANT_UNAVAILABLE
    summary = "授权不可用"


class InvalidClient(Exception):
    """Client authentication failed (RFC 6749 ``invalid_client``)."""
