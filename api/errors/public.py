"""Top-level errors: what reaches ``errors[]`` with ``extensions.code``.

Raised anywhere (services included) for an auth failure, a malformed request
or a dependency that is down; the masking extension
(``api/graphql/masking.py``) shows their code, message and extensions and
masks everything else.
"""

from __future__ import annotations

from typing import ClassVar

from api.errors.codes import ErrorCode


class PublicError(Exception):
    """An error whose code and Chinese message may be shown to the client."""

    code: ClassVar[ErrorCode] = ErrorCode.BAD_REQUEST

    def __init__(self, message: str | None = None, **extensions: object) -> None:
        self.message = message or self.code.message
        super().__init__(self.message)
        self.extensions = extensions


class Unauthenticated(PublicError):
    code = ErrorCode.UNAUTHENTICATED


class Forbidden(PublicError):
    code = ErrorCode.FORBIDDEN


class InsufficientAssurance(Forbidden):
    code = ErrorCode.INSUFFICIENT_ASSURANCE


class BatchNotAllowed(Forbidden):
    code = ErrorCode.BATCH_NOT_ALLOWED


class RateLimited(PublicError):
    code = ErrorCode.RATE_LIMITED


class ServiceUnavailable(PublicError):
    code = ErrorCode.SERVICE_UNAVAILABLE


class InvalidArgument(PublicError):
    """A value wrong on its own (see the input-error rule in ``api.errors``)."""

    code = ErrorCode.BAD_USER_INPUT


def unavailable_cause(exc: BaseException | None) -> BaseException | None:
    """The link in ``exc``'s chain that makes it a dependency (database, store)
    failure, unreachable or timed out; None for any other error."""
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError
    from tortoise.exceptions import DBConnectionError

    seen = 0
    while exc is not None and seen < 8:
        if isinstance(exc, (OSError, TimeoutError, ConnectionError, DBConnectionError,
                            RedisConnectionError, RedisTimeoutError)):
            return exc
        if type(exc).__module__.startswith("asyncpg") and "Connection" in type(exc).__name__:
            return exc
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return None
