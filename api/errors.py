"""Top-level GraphQL errors: codes, masking and the request id (CONVENTIONS 8-10).

Expected failures are union members, not errors. What reaches ``errors`` is an
auth failure, a malformed request or a bug; every entry carries
``extensions.code``, and anything unexpected is masked and logged with the
request id so support can find it without the client seeing internals.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

from graphql import GraphQLError, VariableDefinitionNode, print_ast
from strawberry.extensions import MaskErrors, SchemaExtension

from api.infra.logging import request_id_var

log = logging.getLogger("api.errors")


class PublicError(Exception):
    """An error whose code and Chinese message may be shown to the client."""

    code = "BAD_REQUEST"
    message = "请求有误"

    def __init__(self, message: str | None = None, **extensions: object) -> None:
        super().__init__(message or self.message)
        self.message = message or self.message
        self.extensions = extensions


class Unauthenticated(PublicError):
    code = "UNAUTHENTICATED"
    message = "请先登录"


class Forbidden(PublicError):
    code = "FORBIDDEN"
    message = "无权访问"


class RateLimited(PublicError):
    code = "RATE_LIMITED"
    message = "操作过于频繁，请稍后再试"


class ServiceUnavailable(PublicError):
    code = "SERVICE_UNAVAILABLE"
    message = "服务暂时不可用，请稍后再试"


class InvalidArgument(PublicError):
    code = "BAD_USER_INPUT"
    message = "输入有误"


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


_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")
# graphql-core 3.3's variable coercion messages; the value itself (often the
# whole input object: a name, an ID number, a selfie) follows ``Found:`` or the
# reason, and is never repeated to the client or the log.
_AT = re.compile(r"^Variable '\$[_A-Za-z][_0-9A-Za-z]*' has invalid value"
                 r"(?: at ((?:\.[_A-Za-z][_0-9A-Za-z]*|\[\d+\])+))?: ")
_REASONS = [
    (re.compile(r"non-null type '([^']+)' to be provided"), "缺少必填值（{0}）", "MISSING"),
    (re.compile(r"non-null type '([^']+)' not to be None"), "不能为 null（{0}）", "NULL"),
    (re.compile(r"to include required field '([_A-Za-z][_0-9A-Za-z]*)'"), "缺少必填字段 {0}",
     "MISSING_FIELD"),
    (re.compile(r"not to include unknown field"), "包含未定义的字段", "UNKNOWN_FIELD"),
    (re.compile(r"does not exist in '([_A-Za-z][_0-9A-Za-z]*)' enum"), "不是 {0} 的取值",
     "INVALID_ENUM"),
]


def scrub_suggestions(message: str) -> str:
    """Drops graphql-core's "Did you mean ...?" hints (production)."""
    return _SUGGESTION.sub("", message)


def variable_error(error: GraphQLError) -> GraphQLError | None:
    """A variable-coercion error as the client's mistake (``BAD_USER_INPUT``),
    its message rebuilt without the value; None for any other error.

    graphql-core 3.3 attaches an ``original_error`` to these, so without this
    they looked like resolver exceptions: masked as INTERNAL_SERVER_ERROR and
    logged at ERROR with the input in the traceback.
    """
    if error.path is not None:
        return None
    node = error.nodes[0] if error.nodes else None
    if not isinstance(node, VariableDefinitionNode):
        if error.message.startswith(("Too many errors processing variables",
                                     "Variable values are nested too deeply")):
            return GraphQLError("变量的值无效", extensions={"code": "BAD_USER_INPUT",
                                                       "reason": "INVALID_VALUE"})
        return None
    name, type_ = node.variable.name.value, print_ast(node.type)
    at = _AT.match(error.message)
    where = f"${name}" + ((at.group(1) or "") if at else "")
    text, reason = f"应符合类型 {type_}", "INVALID_VALUE"
    for pattern, template, code in _REASONS:
        found = pattern.search(error.message)
        if found:
            text, reason = template.format(*found.groups()), code
            break
    if not at and reason == "INVALID_VALUE" and "has invalid default value" in error.message:
        reason = "INVALID_DEFAULT"
    log.info("variable %s rejected: %s (request %s)", where, reason, request_id_var.get())
    # The hint names schema fields and values only (never the input); production
    # turns hints off (graphql-core's hide_suggestions, then scrub_suggestions).
    hint = _SUGGESTION.search(error.message)
    text += hint.group(0) if hint else ""
    return GraphQLError(f"变量 {where} 的值无效：{text}", nodes=error.nodes,
                        extensions={"code": "BAD_USER_INPUT", "variable": name,
                                    "reason": reason})


def _is_public(error: GraphQLError) -> bool:
    return isinstance(error.original_error, PublicError)


def _is_request_error(error: GraphQLError) -> bool:
    """Parse and validation errors carry no original error: they are the client's."""
    return error.original_error is None


class MaskUnexpectedErrors(MaskErrors):
    """Masks everything but public and request errors, and stamps codes on all."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=self._should_mask, error_message="系统繁忙，请稍后再试")

    @staticmethod
    def _should_mask(error: GraphQLError) -> bool:
        return not (_is_public(error) or _is_request_error(error))

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        request_id = request_id_var.get()
        cause = unavailable_cause(error.original_error)
        if cause is not None:
            # Fail closed with a code the client can act on (retry later);
            # one line in the log, not a traceback per request while it lasts.
            # The module names the dependency (redis, asyncpg, ...); the text
            # is never logged, as it may hold a DSN.
            log.warning("dependency unavailable in %s (request %s): %s (%s.%s)", error.path,
                        request_id, type(error.original_error).__name__,
                        type(cause).__module__, type(cause).__name__)
            return GraphQLError(ServiceUnavailable.message, nodes=error.nodes, path=error.path,
                                extensions={"code": ServiceUnavailable.code,
                                            "requestId": request_id})
        log.error("unexpected error in %s (request %s)", error.path, request_id,
                  exc_info=error.original_error)
        return GraphQLError(self.error_message, nodes=error.nodes, path=error.path,
                            extensions={"code": "INTERNAL_SERVER_ERROR", "requestId": request_id})

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        errors = [variable_error(e) or e for e in errors]
        return [_with_code(e) for e in super()._process_errors(errors)]


def _with_code(error: GraphQLError) -> GraphQLError:
    ext = dict(error.extensions or {})
    if "code" in ext:
        return error
    original = error.original_error
    if isinstance(original, PublicError):
        ext.update({"code": original.code, **original.extensions})
        message = original.message
    else:
        ext["code"] = "GRAPHQL_VALIDATION_FAILED"
        message = error.message
    return GraphQLError(message, nodes=error.nodes, path=error.path, extensions=ext,
                        original_error=original)


class RequestIdExtension(SchemaExtension):
    """Echoes the request id in ``extensions`` of every response."""

    def on_operation(self) -> Iterator[None]:
        yield

    def get_results(self) -> dict[str, object]:
        return {"requestId": request_id_var.get()}
