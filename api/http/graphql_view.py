"""``/graphql``: GraphQL over HTTP to the spec, on top of the strawberry schema.

The transport rules (media types, parameters, status codes) are in
``api/graphql_http.py``; this module runs them. Every answer is a GraphQL
JSON body whose errors carry ``extensions.code`` and the request id, and none
may be stored by a cache (``Cache-Control: no-store``: it is personal data).

- ``GET`` runs queries only (a mutation is 405 with ``Allow: POST``); in
  production only persisted queries, by hash (RELIABILITY R1 5). GraphiQL is
  served, outside production, to a ``GET`` that names ``text/html`` and carries
  neither a document nor a hash.
- ``POST`` takes one operation or a batch (an array, capped); a malformed item
  fails alone, and sensitive operations refuse to run inside a batch.
- Persisted operations (``extensions.persistedQuery``, ``api/persisted.py``)
  are resolved here, before strawberry parses anything.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send
from strawberry.exceptions import MissingQueryError
from strawberry.http import process_result
from strawberry.http.ides import get_graphql_ide_html
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.execution import PreExecutionError
from strawberry.types.graphql import OperationType

from api.errors import ErrorCode
from api.graphql.context import Context
from api.graphql.variables import scrub_suggestions
from api.http import graphql_http as http
from api.http.persisted import PersistedOperations, Refusal
from api.infra.logging import request_id_var
from api.infra.state import AppState

log = logging.getLogger("api.graphql")
_NO_STORE = {"cache-control": "no-store", "vary": "accept"}


@dataclass
class Outcome:
    """One operation's GraphQL response and whether execution started."""

    body: dict[str, Any]
    executed: bool

    @property
    def code(self) -> str | None:
        errors = self.body.get("errors") or [{}]
        return (errors[0].get("extensions") or {}).get("code")


class _MethodNotAllowed(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class GraphQLView:
    def __init__(self, schema: Any, state_getter: Callable[[], AppState], *,
                 persisted: PersistedOperations | None = None, production: bool = False,
                 max_batch: int = 5) -> None:
        self.schema = schema
        self._state_getter = state_getter
        self._persisted = persisted or PersistedOperations({})
        self._production = production
        self._max_batch = max_batch
        self._allow = "POST" if production else "GET, POST"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        try:
            response = await self.handle(request)
        except ClientDisconnect:  # nobody is left to answer
            return
        await response(scope, receive, send)

    async def handle(self, request: Request) -> Response:
        request_id = request_id_var.get()
        accept = request.headers.get("accept")
        media = http.negotiate(accept)
        method = request.method
        if method not in ("GET", "POST"):
            return self._refuse(media, request_id, 405, ErrorCode.METHOD_NOT_ALLOWED,
                                f"仅支持 {self._allow} 请求", allow=self._allow)
        if method == "GET" and self._wants_ide(request, accept):
            return HTMLResponse(get_graphql_ide_html(graphql_ide="graphiql"), headers=_NO_STORE)
        if media is None:
            return self._refuse(None, request_id, 406, ErrorCode.NOT_ACCEPTABLE,
                                f"只能返回 {http.GRAPHQL_RESPONSE} 或 {http.JSON}")
        parsed = (http.params_of_query_string(dict(request.query_params)) if method == "GET"
                  else http.decode_body(await request.body(), self._max_batch))
        if isinstance(parsed, http.RequestError):
            return self._refuse(media, request_id, 400, parsed.code, parsed.message)
        context = Context(request=request, state=self._state_getter())
        try:
            if isinstance(parsed, list):
                # Sensitive operations look at this to refuse running inside a batch.
                context.in_batch = True
                outcomes = await asyncio.gather(*(self._run(item, context, method)
                                                  for item in parsed))
                return self._respond(media, 200, [o.body for o in outcomes])
            outcome = await self._run(parsed, context, method)
        except _MethodNotAllowed as refused:
            return self._refuse(media, request_id, 405, ErrorCode.METHOD_NOT_ALLOWED, refused.message,
                                allow="POST")
        return self._respond(media, http.status_for(media, outcome.executed, outcome.code),
                             outcome.body)

    def _wants_ide(self, request: Request, accept: str | None) -> bool:
        params = request.query_params
        return (not self._production and "query" not in params and "extensions" not in params
                and http.wants_html(accept))

    async def _run(self, params: http.Params | http.RequestError, context: Context,
                   method: str) -> Outcome:
        request_id = request_id_var.get()
        if isinstance(params, http.RequestError):
            return _failed(params.code, params.message, request_id)
        query = params.query
        persisted = (params.extensions or {}).get("persistedQuery")
        if persisted is not None:
            found = self._persisted.resolve(query, persisted)
            if isinstance(found, Refusal):
                return _failed(found.code, found.message, request_id)
            query = found
        elif method == "GET" and self._production:
            raise _MethodNotAllowed("生产环境中 GET 仅用于持久化查询，请使用 POST")
        allowed = {OperationType.QUERY} if method == "GET" else {
            OperationType.QUERY, OperationType.MUTATION}
        try:
            async with asyncio.timeout(context.settings.execution_timeout_seconds):
                result = await self.schema.execute(
                    query, variable_values=params.variables, context_value=context,
                    operation_name=params.operation_name, allowed_operation_types=allowed,
                    operation_extensions=params.extensions)
        except TimeoutError:
            log.warning("operation %s timed out", (params.operation_name or "-")[:64])
            return Outcome(_with_request_id({"data": None, "errors": [_error(
                ErrorCode.TIMEOUT, ErrorCode.TIMEOUT.message)]}, request_id), executed=True)
        except CannotGetOperationTypeError:
            return _failed(ErrorCode.OPERATION_RESOLUTION_FAILURE, "文档中没有该 operationName 对应的操作",
                           request_id)
        except InvalidOperationTypeError as refused:
            if method == "GET":
                raise _MethodNotAllowed("GET 只能执行查询，变更（mutation）请使用 POST") from refused
            return _failed(ErrorCode.BAD_REQUEST, "不支持的操作类型", request_id)
        except MissingQueryError:
            return _failed(ErrorCode.BAD_REQUEST, "缺少 query", request_id)
        return self._outcome(result, request_id)

    def _outcome(self, result: ExecutionResult, request_id: str) -> Outcome:
        executed = not isinstance(result, PreExecutionError) and (
            result.data is not None or any(e.path for e in result.errors or []))
        body: dict[str, Any] = dict(process_result(result))
        if not executed:
            # Nothing ran: the GraphQL spec wants no ``data`` entry at all.
            body.pop("data", None)
        for error in body.get("errors") or []:
            ext = error.setdefault("extensions", {})
            # Parse errors (e.g. the token limit) skip the schema extensions.
            ext.setdefault("code", ErrorCode.GRAPHQL_PARSE_FAILED if "Syntax Error" in error.get(
                "message", "") else ErrorCode.GRAPHQL_VALIDATION_FAILED)
            if self._production:
                error["message"] = scrub_suggestions(error["message"])
        return Outcome(_with_request_id(body, request_id), executed)

    def _respond(self, media: str, status: int, body: object, *,
                 headers: dict[str, str] | None = None) -> Response:
        return Response(json.dumps(body, separators=(",", ":")), status_code=status,
                        media_type=f"{media}; charset=utf-8", headers={**_NO_STORE,
                                                                       **(headers or {})})

    def _refuse(self, media: str | None, request_id: str, status: int, code: ErrorCode,
                message: str,
                *, allow: str | None = None) -> Response:
        body = _failed(code, message, request_id).body
        return self._respond(media or http.JSON, status, body,
                             headers={"allow": allow} if allow else None)


def _error(code: ErrorCode, message: str) -> dict[str, Any]:
    return {"message": message, "extensions": {"code": code}}


def _with_request_id(body: dict[str, Any], request_id: str) -> dict[str, Any]:
    for error in body.get("errors") or []:
        error.setdefault("extensions", {})["requestId"] = request_id
    body["extensions"] = {**(body.get("extensions") or {}), "requestId": request_id}
    return body


def _failed(code: ErrorCode, message: str, request_id: str) -> Outcome:
    return Outcome(_with_request_id({"errors": [_error(code, message)]}, request_id),
                   executed=False)

