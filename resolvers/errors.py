"""Expected failures as union members (CONVENTIONS 8), generated from the catalogue.

A result union names the domain exceptions themselves::

    BookAppointmentResult = Annotated[BookingConfirmed | ae.SlotFull | ...,
                                      strawberry.union("BookAppointmentResult")]

``exception_handlers()`` gives each ``DomainError`` subclass that has its own
``summary`` its GraphQL type -- named like the class, described by the
summary, implementing ``UserError`` (``code``, ``message``) and then one field
per dataclass field, with the field's description -- and the
``strawberry.ExceptionHandler`` that answers the exception with that type
wherever a field's result union contains it. Nothing is declared twice: the
exception is the declaration.

How: the generated strawberry type's definition is attached to the
exception class (with the class as its origin), so a union can name the
exception; the handler returns an instance of the generated type.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import datetime
from typing import Annotated, Any, Union

import strawberry
from strawberry.schema.exception_handlers import ExceptionHandler

from api.errors import DomainError
from api.errors.domain import GRAPHQL_ID


@strawberry.interface(description="可预期的业务失败：code 为稳定的错误码，message 为给用户看的中文提示")
class UserError:
    code: str = strawberry.field(description="稳定的错误码，客户端据此分支处理")
    message: str = strawberry.field(description="中文提示，可直接展示给用户")


_SCALARS: dict[Any, Any] = {str: str, int: int, bool: bool, datetime: datetime}


def _graphql_annotation(hint: Any) -> Any:
    """A dataclass field's type as strawberry reads it (``ObjectId`` -> ``ID``)."""
    if typing.get_origin(hint) is Annotated:
        base, *marks = typing.get_args(hint)
        return strawberry.ID if GRAPHQL_ID in marks else _graphql_annotation(base)
    if typing.get_origin(hint) in (Union, types.UnionType):
        members = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(members) == 1 and len(typing.get_args(hint)) == 2:
            return _graphql_annotation(members[0]) | None
    if hint in _SCALARS:
        return _SCALARS[hint]
    raise TypeError(f"no GraphQL type for a recovery field of type {hint!r}")


def _recovery_fields(exc: type[DomainError]) -> list[dataclasses.Field[Any]]:
    return [f for f in dataclasses.fields(exc) if f.name != "message"]


_GENERATED: dict[type[DomainError], type] = {}


def graphql_type(exc: type[DomainError]) -> type:
    """The GraphQL type of one domain exception (made once, attached to it)."""
    if exc in _GENERATED:
        return _GENERATED[exc]
    hints = typing.get_type_hints(exc, include_extras=True)
    fields = _recovery_fields(exc)
    namespace: dict[str, Any] = {
        "__module__": __name__, "__qualname__": exc.__name__,
        "__annotations__": {f.name: _graphql_annotation(hints[f.name]) for f in fields}}
    for f in fields:
        namespace[f.name] = strawberry.field(description=f.metadata.get("description"))
    generated = strawberry.type(types.new_class(exc.__name__, (UserError,), {},
                                                lambda ns: ns.update(namespace)),
                                description=exc.summary)
    definition = generated.__strawberry_definition__  # type: ignore[attr-defined]
    definition.origin = exc
    exc.__strawberry_definition__ = definition  # type: ignore[attr-defined]
    _GENERATED[exc] = generated
    return generated


def _handler(exc: type[DomainError]) -> ExceptionHandler[Any, Any]:
    generated = graphql_type(exc)
    names = [f.name for f in _recovery_fields(exc)]

    class Handler(ExceptionHandler):  # types given as attributes: known only at run time
        exception_type = exc
        error_type = exc

        def handle(self, exception: Any, *, field: Any, info: Any) -> Any:
            return generated(code=exception.code.value, message=exception.message,
                             **{name: getattr(exception, name) for name in names})

    Handler.__name__ = f"{exc.__name__}Handler"
    return Handler()


def _published(cls: type[DomainError]) -> list[type[DomainError]]:
    """``cls``'s subclasses (all depths) that declare their own GraphQL type."""
    found: list[type[DomainError]] = []
    for sub in cls.__subclasses__():
        found += _published(sub)
        if "summary" in sub.__dict__:
            found.append(sub)
    return found


def exception_handlers() -> list[ExceptionHandler[Any, Any]]:
    """One handler per published domain exception, subclasses before their bases
    (a subclass with its own type is never answered as its parent's)."""
    return [_handler(exc) for exc in dict.fromkeys(_published(DomainError))]
