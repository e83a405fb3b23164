"""Domain exceptions: expected failures that become members of a result union.

Services raise them; ``resolvers/errors.py`` maps each to its GraphQL type.
Each carries a stable ``code``, a Chinese ``message`` and what the client
needs to recover.
"""

from __future__ import annotations

from typing import ClassVar


class DomainError(Exception):
    code: ClassVar[str] = "DOMAIN_ERROR"
    message: ClassVar[str] = "操作未能完成"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)
        self.user_message = message or self.message
