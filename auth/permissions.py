"""Field permissions. Each raises a coded error so the client knows what to do.

They ask the typed context (``api.graphql.context``) for the principal: the
same accessors a resolver uses, so the check and the use cannot disagree.
"""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission

from api.errors import BatchNotAllowed, ErrorCode, Forbidden, InsufficientAssurance
from api.graphql.context import Info

FACE_LEVEL = "L2"
SMS_LEVEL = "L1"


class IsCitizen(BasePermission):
    message = ErrorCode.UNAUTHENTICATED.message

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        info.context.citizen()
        return True


class IsStaff(BasePermission):
    message = "仅限登记中心工作人员"

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        info.context.staff()
        return True


class IsClient(BasePermission):
    """An approved third-party institution with a client token."""

    message = "仅限已备案的第三方机构"

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        info.context.client()
        return True


class NotClient(BasePermission):
    """Citizen entry points (login, refresh): anonymous or a citizen, never a
    machine client's or a staff member's token."""

    message = "该凭证不能用于市民登录"

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        principal = info.context.principal
        if principal is not None and principal.kind != "citizen":
            raise Forbidden()
        return True


class FaceVerified(BasePermission):
    """Holdings and certificates need the face level, not the SMS route."""

    message = ErrorCode.INSUFFICIENT_ASSURANCE.message

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        if info.context.citizen().assurance_level != FACE_LEVEL:
            raise InsufficientAssurance()
        return True


class NotInBatch(BasePermission):
    """Sensitive mutations (login, verify, book) refuse to run inside a batch."""

    message = ErrorCode.BATCH_NOT_ALLOWED.message

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        if info.context.in_batch:
            raise BatchNotAllowed()
        return True
