"""GraphQL over HTTP, the transport half: media types, request parameters and
status codes (the GraphQL-over-HTTP spec, checked by ``graphql-http``'s audit).

Pure functions, no strawberry: ``api/graphql_view.py`` calls them. What they
decide:

- ``Accept``: ``application/graphql-response+json`` and ``application/json``
  are offered (q-values respected, media types case-insensitive); a missing
  ``Accept``, ``*/*`` and ``application/*`` get ``application/json``; nothing
  acceptable is 406.
- Parameters: ``query`` a string, ``operationName`` a string, ``variables`` and
  ``extensions`` objects, each optional or null; anything else, a body that is
  not JSON, or not an object (or, for a batch, an array of them) is a request
  error with code ``BAD_REQUEST``.
- Status: request errors are 400 whatever the media type. A GraphQL error before
  execution (parse, validation, variable coercion, operation not found) is 200
  for ``application/json`` and 400 for ``application/graphql-response+json``
  (no ``data`` key in either); once execution started the answer is 200.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from api.errors import ErrorCode

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
HTML = "text/html"
_OFFERED = (GRAPHQL_RESPONSE, JSON)
# The status of an unexecuted application/graphql-response+json answer; any other code is 400.
_STATUS: dict[str, int] = {ErrorCode.INTERNAL_SERVER_ERROR: 500, ErrorCode.SERVICE_UNAVAILABLE: 503,
                           ErrorCode.TIMEOUT: 504, ErrorCode.PERSISTED_QUERY_NOT_FOUND: 404}


def _media_ranges(accept: str) -> list[tuple[str, float, int]]:
    """(media range, q, position) of an ``Accept`` header, lowercased."""
    ranges = []
    for position, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((media, q, position))
    return ranges


def _quality(media: str, ranges: list[tuple[str, float, int]]) -> tuple[float, int, int]:
    """(q, specificity, -position) of the most specific range matching ``media``."""
    kind = media.split("/")[0]
    best: tuple[float, int, int] | None = None
    for candidate, q, position in ranges:
        if candidate == media:
            specificity = 2
        elif candidate == f"{kind}/*":
            specificity = 1
        elif candidate == "*/*":
            specificity = 0
        else:
            continue
        if best is None or specificity > best[1]:
            best = (q, specificity, -position)
    return best or (0.0, -1, 0)


def negotiate(accept: str | None) -> str | None:
    """The response media type for ``accept``, or None when none is acceptable.

    Wildcards prefer ``application/json`` (what a client that names neither
    understands); a client naming both with equal q gets the first it named.
    """
    if not accept or not accept.strip():
        return JSON
    ranges = _media_ranges(accept)
    scored = []
    for media in _OFFERED:
        q, specificity, position = _quality(media, ranges)
        if q > 0:
            named = specificity == 2
            scored.append((q, named, position if named else 0, media == JSON, media))
    if not scored:
        return None
    return max(scored)[-1]


def wants_html(accept: str | None) -> bool:
    """A browser navigating to the endpoint names ``text/html`` itself."""
    return any(media == HTML and q > 0 for media, q, _ in _media_ranges(accept or ""))


@dataclass(frozen=True)
class RequestError:
    """A malformed GraphQL-over-HTTP request: 400 and ``BAD_REQUEST``."""

    message: str
    code: ErrorCode = ErrorCode.BAD_REQUEST


@dataclass(frozen=True)
class Params:
    query: str | None
    operation_name: str | None
    variables: dict[str, Any] | None
    extensions: dict[str, Any] | None


def params_of(item: object) -> Params | RequestError:
    """One operation's parameters, checked against the spec's types."""
    if not isinstance(item, dict):
        return RequestError("每个 GraphQL 请求必须是 JSON 对象")
    query, name = item.get("query"), item.get("operationName")
    variables, extensions = item.get("variables"), item.get("extensions")
    if not isinstance(query, str | None):
        return RequestError("query 必须为字符串")
    if not isinstance(name, str | None):
        return RequestError("operationName 必须为字符串")
    if not isinstance(variables, dict | None):
        return RequestError("variables 必须为对象")
    if not isinstance(extensions, dict | None):
        return RequestError("extensions 必须为对象")
    if query is None and not (extensions and "persistedQuery" in extensions):
        return RequestError("缺少 query（或持久化查询的 extensions.persistedQuery）")
    return Params(query, name, variables, extensions)


def params_of_query_string(values: dict[str, str]) -> Params | RequestError:
    """A GET's parameters: ``variables`` and ``extensions`` are JSON text."""
    item: dict[str, Any] = {"query": values.get("query"),
                            "operationName": values.get("operationName") or None}
    for key in ("variables", "extensions"):
        text = values.get(key)
        if text:
            try:
                item[key] = json.loads(text)
            except (ValueError, RecursionError):
                return RequestError(f"{key} 不是合法的 JSON")
    return params_of(item)


def decode_body(body: bytes, max_batch: int) -> list[Params | RequestError] | Params | RequestError:
    """A POST body: one operation, or a batch (a JSON array of at most ``max_batch``)."""
    if not body.strip():
        return RequestError("请求体为空")
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return RequestError("请求体不是合法的 UTF-8 JSON")
    except RecursionError:
        return RequestError("请求体嵌套过深")
    if isinstance(data, dict):
        return params_of(data)
    if isinstance(data, list):
        if not data:
            return RequestError("批量请求不能为空")
        if len(data) > max_batch:
            return RequestError(f"批量请求最多 {max_batch} 个操作")
        return [params_of(item) for item in data]
    return RequestError("请求体必须是 JSON 对象（或对象数组）")


def status_for(media: str, executed: bool, code: str | None) -> int:
    """The HTTP status of one GraphQL response (see the module docstring)."""
    if executed or media != GRAPHQL_RESPONSE:
        return 200
    return _STATUS.get(code or "", 400)
