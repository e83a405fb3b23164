"""The base of every expected failure: a small dataclass raised by a service.

A subclass names its condition and is declared once::

    class SlotFull(DomainError):
        code = ErrorCode.SLOT_FULL
        summary = "时段已约满；附最近的可约时段"      # the GraphQL type's description
        next_free_slot_id: ObjectId | None              # recovery fields, in GraphQL order
        until: datetime = recovery("此时起可再预约")    # ... with a field description

Subclasses are dataclasses without being decorated (``__init_subclass__``),
compared by identity like any exception. ``message`` defaults to the code's
message in the catalogue; a subclass whose text depends on its fields
overrides ``default_message``, and a raise site that knows better passes
``message=``. ``resolvers/errors.py`` generates the GraphQL type of every
subclass that has its own ``summary``: ``code``, ``message``, then its fields.
"""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any, ClassVar, dataclass_transform

from api.errors.codes import ErrorCode

GRAPHQL_ID = "ID"
# A record's id, published as GraphQL ``ID`` (a plain ``str`` in Python).
ObjectId = Annotated[str, GRAPHQL_ID]


def recovery(description: str, *, default: Any = dataclasses.MISSING) -> Any:
    """A field the client needs to recover, with its GraphQL description."""
    return dataclasses.field(default=default, metadata={"description": description})


@dataclass_transform(eq_default=False, field_specifiers=(recovery, dataclasses.field))
class _DataclassError(Exception):
    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        dataclasses.dataclass(eq=False)(cls)


class DomainError(_DataclassError):
    code: ClassVar[ErrorCode]
    summary: ClassVar[str]  # one line naming the condition: the GraphQL type's description
    message: str = dataclasses.field(default="", kw_only=True)

    def __post_init__(self) -> None:
        self.message = self.message or self.default_message()
        Exception.__init__(self, self.message)

    def default_message(self) -> str:
        return self.code.message
