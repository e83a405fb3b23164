"""Length limits on every string the API accepts (issue 12 item 11).

One mechanism for the whole schema: before an operation executes, every string
it passes to an argument or an input field, as a literal or through a
variable, is measured (in characters) against the limit of that position,
named by its schema coordinate (``Type.field`` for input fields,
``Type.field(arg:)`` for arguments). A position without its own entry in
``MAX_CHARS`` gets the default of its scalar type (``DEFAULT_MAX_CHARS``), so a
new field is bounded the day it is added; a longer string answers
``BAD_USER_INPUT`` (``reason: TOO_LONG``, ``field``, ``maxLength``) and nothing
runs. ``tests/api/test_input_limits.py`` walks the schema: every input leaf
type must be bounded here, and every entry must name a real position.

These are transport bounds, set above the business rules: a 600-character
rating comment still gets the service's own typed answer, a 9 MB one never
reaches a service, the store or a log.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from graphql import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLInputType,
    GraphQLSchema,
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    StringValueNode,
    TypeInfo,
    TypeInfoVisitor,
    ValueNode,
    VariableNode,
    Visitor,
    get_nullable_type,
    is_input_object_type,
    is_list_type,
    is_scalar_type,
    visit,
)
from graphql import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import SchemaExtension

from api.errors import ErrorCode

# Scalars whose values are not strings of the client's choosing.
UNBOUNDED_SCALARS = frozenset({"Int", "Float", "Boolean"})
DEFAULT_MAX_CHARS: dict[str, int] = {
    "String": 200,
    "ID": 128,
    "Date": 32,
    "DateTime": 64,
    "Decimal": 64,
}
BODY_CAP = 0  # "as large as the request body may be" (settings.max_body_bytes)
MAX_CHARS: dict[str, int] = {
    # People: the longest registered names (minority names with "·") stay
    # far below 64 characters; an ID number is 18.
    "StartFaceLoginInput.name": 64,
    "StartSmsLoginInput.name": 64,
    "StartFaceLoginInput.idNumber": 32,
    "StartSmsLoginInput.idNumber": 32,
    "StartFaceLoginInput.consentVersion": 32,
    "CompleteFaceLoginInput.challengeId": 64,
    "CompleteSmsLoginInput.challengeId": 64,
    "CompleteSmsLoginInput.code": 16,
    # A base64 selfie: only the body cap; the face service answers
    # ImageTooLarge for anything over its own decoded-size limit.
    "CompleteFaceLoginInput.image": BODY_CAP,
    "CompleteFaceLoginInput.platformAssertion": 8192,  # a signed JWT
    "Mutation.refreshSession(refreshToken:)": 512,
    # The idempotency columns hold 80 characters.
    "BookAppointmentInput.idempotencyKey": 80,
    "IssueCertificateInput.idempotencyKey": 80,
    "Query.verifyCertificate(number:)": 64,
    "Query.verifyCertificate(code:)": 64,
    "Query.verifyCertificatePayload(payload:)": 8192,  # the QR statement (a JWS)
    # A scanned QR code (53 characters); kiosks also scan whatever a phone shows.
    "Mutation.checkInByCode(code:)": 2048,
    "RequestPropertyProofInput.subjectCode": 64,
    "RequestPropertyProofInput.unitNo": 64,
    "RateServiceInput.tags": 32,
    # Free text: the services' own limits (500-1,000) answer typed errors below these.
    "RateServiceInput.comment": 2000,
    "Mutation.revokeCertificate(reason:)": 2000,
    "Mutation.appealRating(reason:)": 4000,
    "Mutation.reviewAppeal(note:)": 4000,
    "UpdateWorkOrderInput.note": 4000,
}


def limit_for(coordinate: str, scalar: str, body_cap: int) -> int | None:
    """The limit of a position, or None for a scalar that is not a string."""
    if scalar in UNBOUNDED_SCALARS:
        return None
    limit = MAX_CHARS.get(coordinate, DEFAULT_MAX_CHARS.get(scalar, DEFAULT_MAX_CHARS["String"]))
    return body_cap if limit == BODY_CAP else limit


@dataclass(frozen=True)
class TooLong:
    coordinate: str
    limit: int

    def error(self) -> GraphQLError:
        return GraphQLError(f"输入过长：{self.coordinate} 最多 {self.limit} 个字符",
                            extensions={"code": ErrorCode.BAD_USER_INPUT, "reason": "TOO_LONG",
                                        "field": self.coordinate, "maxLength": self.limit})


@dataclass(frozen=True)
class _Site:
    """A variable used at a position: checked against each request's values."""

    variable: str
    type_: GraphQLInputType
    coordinate: str


class InputLimits:
    """The checker for one schema (and one body cap)."""

    def __init__(self, schema: GraphQLSchema, body_cap: int) -> None:
        self.schema = schema
        self.body_cap = body_cap
        self._plan = lru_cache(maxsize=512)(self._plan_uncached)

    def check(self, document: DocumentNode, query: str | None, operation_name: str | None,
              variables: dict[str, Any] | None) -> TooLong | None:
        literal, sites = (self._plan(query, operation_name) if query is not None
                          else self._plan_document(document, operation_name))
        if literal is not None:
            return literal
        values = variables or {}
        for site in sites:
            if site.variable in values:
                found = self.value(values[site.variable], site.type_, site.coordinate)
                if found is not None:
                    return found
        return None

    def value(self, value: Any, type_: GraphQLInputType, coordinate: str) -> TooLong | None:
        """The first over-long string in a (JSON) value at a position of ``type_``."""
        type_ = get_nullable_type(type_)  # type: ignore[assignment]
        if value is None:
            return None
        if is_list_type(type_):
            for item in value if isinstance(value, list) else [value]:
                found = self.value(item, type_.of_type, coordinate)  # type: ignore[attr-defined]
                if found is not None:
                    return found
        elif is_input_object_type(type_) and isinstance(value, dict):
            for key, item in value.items():
                field = type_.fields.get(key)  # type: ignore[attr-defined]
                if field is not None:
                    found = self.value(item, field.type, f"{type_.name}.{key}")  # type: ignore[attr-defined]
                    if found is not None:
                        return found
        elif is_scalar_type(type_) and isinstance(value, str):
            return self._measure(len(value), coordinate, type_.name)  # type: ignore[attr-defined]
        return None

    def _measure(self, length: int, coordinate: str, scalar: str) -> TooLong | None:
        limit = limit_for(coordinate, scalar, self.body_cap)
        return TooLong(coordinate, limit) if limit is not None and length > limit else None

    def _plan_uncached(self, query: str, operation_name: str | None
                       ) -> tuple[TooLong | None, tuple[_Site, ...]]:
        from graphql import parse

        return self._plan_document(parse(query), operation_name)

    def _plan_document(self, document: DocumentNode, operation_name: str | None
                       ) -> tuple[TooLong | None, tuple[_Site, ...]]:
        """Literal violations and variable sites of the operation to run."""
        sites: list[_Site] = []
        first: list[TooLong] = []
        defaults: dict[str, ValueNode] = {}
        for definition in _executed(document, operation_name):
            if isinstance(definition, OperationDefinitionNode):
                defaults.update({d.variable.name.value: d.default_value
                                 for d in definition.variable_definitions or ()
                                 if d.default_value is not None})
            type_info = TypeInfo(self.schema)
            visit(definition, TypeInfoVisitor(type_info, _Arguments(self, type_info, sites,
                                                                    first)))
        for site in sites:  # an unset variable takes its default, a literal
            if site.variable in defaults and not first:
                self._literal(defaults[site.variable], site.type_, site.coordinate, [], first)
        return (first[0] if first else None), tuple(sites)

    def _literal(self, node: ValueNode, type_: GraphQLInputType, coordinate: str,
                 sites: list[_Site], first: list[TooLong]) -> None:
        type_ = get_nullable_type(type_)  # type: ignore[assignment]
        if first:
            return
        if isinstance(node, VariableNode):
            sites.append(_Site(node.name.value, type_, coordinate))
        elif is_list_type(type_):
            for item in node.values if isinstance(node, ListValueNode) else [node]:
                self._literal(item, type_.of_type, coordinate, sites, first)  # type: ignore[attr-defined]
        elif is_input_object_type(type_) and isinstance(node, ObjectValueNode):
            for field_node in node.fields:
                field = type_.fields.get(field_node.name.value)  # type: ignore[attr-defined]
                if field is not None:
                    self._literal(field_node.value, field.type,
                                  f"{type_.name}.{field_node.name.value}", sites, first)  # type: ignore[attr-defined]
        elif is_scalar_type(type_) and isinstance(node, StringValueNode):
            found = self._measure(len(node.value), coordinate, type_.name)  # type: ignore[attr-defined]
            if found is not None:
                first.append(found)


def _executed(document: DocumentNode, operation_name: str | None
              ) -> Iterator[OperationDefinitionNode | FragmentDefinitionNode]:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [op for op in operations if operation_name is None
              or (op.name is not None and op.name.value == operation_name)]
    yield from chosen[:1]
    yield from (d for d in document.definitions if isinstance(d, FragmentDefinitionNode))


class _Arguments(Visitor):
    def __init__(self, limits: InputLimits, type_info: TypeInfo, sites: list[_Site],
                 first: list[TooLong]) -> None:
        super().__init__()
        self.limits, self.type_info, self.sites, self.first = limits, type_info, sites, first
        # A field's arguments are visited before its selections, so the field
        # entered last owns the argument.
        self.field = "?"

    def enter_field(self, node: FieldNode, *_: Any) -> None:
        self.field = node.name.value

    def enter_argument(self, node: ArgumentNode, *_: Any) -> Any:
        argument = self.type_info.get_argument()
        if argument is None:
            return self.SKIP
        directive = self.type_info.get_directive()
        if directive is not None:
            owner = f"@{directive.name}"
        else:
            owner = f"{getattr(self.type_info.get_parent_type(), 'name', '?')}.{self.field}"
        self.limits._literal(node.value, argument.type, f"{owner}({node.name.value}:)",
                             self.sites, self.first)
        return self.SKIP


class InputLimitsExtension(SchemaExtension):
    """Runs ``InputLimits`` before execution; an over-long input stops the operation."""

    def __init__(self, limits: InputLimits) -> None:
        self.limits = limits

    def on_execute(self) -> Iterator[None]:
        ctx = self.execution_context
        if ctx.graphql_document is not None and ctx.result is None:
            found = self.limits.check(ctx.graphql_document, ctx.query, ctx.operation_name,
                                      ctx.variables)
            if found is not None:
                # Setting the result skips execution (strawberry's documented short-cut).
                ctx.result = GraphQLExecutionResult(data=None, errors=[found.error()])
        yield
