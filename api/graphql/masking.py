"""Top-level GraphQL errors: codes, masking and the request id (CONVENTIONS 8-10).

Expected failures are union members, not errors. What reaches ``errors`` is an
auth failure, a malformed request or a bug; every entry carries
``extensions.code``, and anything unexpected is masked and logged with the
request id so support can find it without the client seeing internals.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import MaskErrors, SchemaExtension

from api.errors import ErrorCode, PublicError, unavailable_cause
from api.graphql.variables import variable_error
from api.infra.logging import request_id_var

log = logging.getLogger("api.errors")


def _is_public(error: GraphQLError) -> bool:
    return isinstance(error.original_error, PublicError)


def _is_request_error(error: GraphQLError) -> bool:
    """Parse and validation errors carry no original error: they are the client's."""
    return error.original_error is None


class MaskUnexpectedErrors(MaskErrors):
    """Masks everything but public and request errors, and stamps codes on all."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=self._should_mask,
                         error_message=ErrorCode.INTERNAL_SERVER_ERROR.message)

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
            code = ErrorCode.SERVICE_UNAVAILABLE
            return GraphQLError(code.message, nodes=error.nodes, path=error.path,
                                extensions={"code": code, "requestId": request_id})
        log.error("unexpected error in %s (request %s)", error.path, request_id,
                  exc_info=error.original_error)
        return GraphQLError(self.error_message, nodes=error.nodes, path=error.path,
                            extensions={"code": ErrorCode.INTERNAL_SERVER_ERROR,
                                        "requestId": request_id})

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
        ext["code"] = ErrorCode.GRAPHQL_VALIDATION_FAILED
        message = error.message
    return GraphQLError(message, nodes=error.nodes, path=error.path, extensions=ext,
                        original_error=original)


class RequestIdExtension(SchemaExtension):
    """Echoes the request id in ``extensions`` of every response."""

    def on_operation(self) -> Iterator[None]:
        yield

    def get_results(self) -> dict[str, object]:
        return {"requestId": request_id_var.get()}
