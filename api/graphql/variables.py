"""Variable-coercion errors as the client's mistake, without the value they echo.

graphql-core 3.3's messages repeat the value (often the whole input object: a
name, an ID number, a selfie) after ``Found:`` or the reason; the rebuilt
message names the variable, the position and why, never the value.
"""

from __future__ import annotations

import logging
import re

from graphql import GraphQLError, VariableDefinitionNode, print_ast

from api.errors import ErrorCode
from api.infra.logging import request_id_var

log = logging.getLogger("api.errors")

_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")
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
            return GraphQLError("变量的值无效", extensions={"code": ErrorCode.BAD_USER_INPUT,
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
                        extensions={"code": ErrorCode.BAD_USER_INPUT, "variable": name,
                                    "reason": reason})
