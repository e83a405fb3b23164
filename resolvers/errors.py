"""Expected failures as union members (CONVENTIONS 8).

``@user_error(ExcClass, description)`` on a class deriving from ``UserError``
makes it the GraphQL type of that domain exception and registers the
``strawberry.ExceptionHandler`` that turns the exception into it wherever a
field's result union contains the type. Extra fields are read from the
exception's attributes of the same (snake_case) name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import strawberry
from strawberry.schema.exception_handlers import ExceptionHandler

from api.services.errors import DomainError

HANDLERS: list[ExceptionHandler[Any, Any]] = []
T = TypeVar("T")


@strawberry.interface(description="可预期的业务失败：code 为稳定的错误码，message 为给用户看的中文提示")
class UserError:
    code: str = strawberry.field(description="稳定的错误码，客户端据此分支处理")
    message: str = strawberry.field(description="中文提示，可直接展示给用户")


def user_error(exc: type[DomainError], description: str) -> Callable[[type[T]], type[T]]:
    def decorate(cls: type[T]) -> type[T]:
        gql = strawberry.type(cls, description=description)
        extra = [n for n in getattr(cls, "__annotations__", {}) if n not in ("code", "message")]

        class Handler(ExceptionHandler):  # types given as attributes: known only at run time
            exception_type = exc
            error_type = gql

            def handle(self, exception: Any, *, field: Any, info: Any) -> Any:
                values = {name: getattr(exception, name) for name in extra}
                return gql(code=exception.code, message=exception.user_message,  # type: ignore[call-arg]
                           **values)

        Handler.__name__ = f"{exc.__name__}Handler"
        HANDLERS.append(Handler())
        return gql

    return decorate
