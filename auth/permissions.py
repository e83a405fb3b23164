"""Field permissions. Each raises a coded error so the client knows what to do."""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission

from api.errors import (
    BatchNotAllowed,
    ErrorCode,
    Forbidden,
    InsufficientAssurance,
    ServiceUnavailable,
    Unauthenticated,
)
from auth.backend import Principal

FACE_LEVEL = "L2"
SMS_LEVEL = "L1"


def principal_of(info: Any) -> Principal | None:
    user = info.context.request.scope.get("user")
    return user if isinstance(user, Principal) else None


def _require(info: Any, kind: str) -> Principal:
    p = principal_of(info)
    if p is None:
        raise Unauthenticated()
    if not p.verifiable:
        raise ServiceUnavailable()
    if p.kind != kind:
        raise Forbidden()
    return p


class IsCitizen(BasePermission):
    message = ErrorCode.UNAUTHENTICATED.message

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        _require(info, "citizen")
        return True


class IsStaff(BasePermission):
    message = "仅限登记中心工作人员"

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        _require(info, "staff")
        return True


class IsClient(BasePermission):
    """An approved third-party institution with a client token."""

    message = "仅限已备案的第三方机构"

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        _require(info, "client")
        return True


class NotClient(BasePermission):
    """Citizen entry points (login, refresh): anonymous or a citizen, never a
    machine client's or a staff member's token."""

    message = "该凭证不能用于市民登录"

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        p = principal_of(info)
        if p is not None and p.kind != "citizen":
            raise Forbidden()
        return True


class FaceVerified(BasePermission):
    """Holdings and certificates need the face level, not the SMS route."""

    message = ErrorCode.INSUFFICIENT_ASSURANCE.message

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        if _require(info, "citizen").assurance_level != FACE_LEVEL:
            raise InsufficientAssurance()
        return True


class NotInBatch(BasePermission):
    """Sensitive mutations (login, verify, book) refuse to run inside a batch."""

    message = ErrorCode.BATCH_NOT_ALLOWED.message

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        if info.context.in_batch:
            raise BatchNotAllowed()
        return True
