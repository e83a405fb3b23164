"""The strawberry ASGI view with our context, batch marking and execution timeout."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from typing import Any

from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import Response
from strawberry.asgi import GraphQL
from strawberry.types import ExecutionResult

from api.context import Context
from api.persisted import PersistedOperations, Refusal
from api.state import AppState

log = logging.getLogger("api.graphql")


class GraphQLView(GraphQL[Context, None]):
    def __init__(self, schema: Any, state_getter: Any, *,
                 persisted: PersistedOperations | None = None, **kwargs: Any) -> None:
        super().__init__(schema, **kwargs)
        self._state_getter = state_getter
        self._persisted = persisted or PersistedOperations({})

    async def get_context(self, request: Any, response: Response | Any) -> Context:
        state: AppState = self._state_getter()
        return Context(request=request, state=state,
                       request_id=request.scope.get("state", {}).get("request_id", "-"))

    async def execute_operation(self, request: Any, request_adapter: Any, request_data: Any,
                                context: Context, root_value: Any, sub_response: Any) -> Any:
        # Sensitive operations look at this to refuse running inside a batch.
        context.in_batch = isinstance(request_data, list)
        return await super().execute_operation(request, request_adapter, request_data, context,
                                               root_value, sub_response)

    async def process_result(self, request: Request, result: ExecutionResult) -> Any:
        # Parse errors (e.g. the token limit) skip the schema extensions; give
        # them a code here so every top-level error has ``extensions.code``.
        response: dict[str, Any] = dict(await super().process_result(request, result))
        for error in response.get("errors") or []:
            ext = error.setdefault("extensions", {})
            ext.setdefault("code", "GRAPHQL_PARSE_FAILED" if "Syntax Error" in error.get(
                "message", "") else "GRAPHQL_VALIDATION_FAILED")
        return response

    async def execute_single(self, request: Any, request_adapter: Any, sub_response: Any,
                             context: Context, root_value: Any, request_data: Any
                             ) -> ExecutionResult:
        if not isinstance(request_data.extensions, dict | None):
            # strawberry checks this for a single operation, not inside a batch.
            return ExecutionResult(data=None, errors=[GraphQLError(
                "extensions 必须为对象", extensions={"code": "BAD_REQUEST",
                                                 "requestId": context.request_id})])
        extension = (request_data.extensions or {}).get("persistedQuery")
        if extension is not None:
            found = self._persisted.resolve(request_data.query, extension)
            if isinstance(found, Refusal):
                return ExecutionResult(data=None, errors=[GraphQLError(found.message, extensions={
                    "code": found.code, "requestId": context.request_id})])
            request_data = dataclasses.replace(request_data, query=found)
        try:
            async with asyncio.timeout(context.settings.execution_timeout_seconds):
                return await super().execute_single(request, request_adapter, sub_response,
                                                    context, root_value, request_data)
        except TimeoutError:
            log.warning("operation %s timed out", request_data.operation_name)
            return ExecutionResult(data=None, errors=[GraphQLError(
                "请求处理超时，请稍后再试",
                extensions={"code": "TIMEOUT", "requestId": context.request_id})])
