"""The role x field matrix in auth/README.md names every root field, and every cell
holds: ``-`` refused with the right code, ``yes`` allowed, ``L2`` refused for an SMS
(L1) citizen with INSUFFICIENT_ASSURANCE and allowed at the face level (L2).

"Allowed" means not refused by permission: the field ran (the call may still fail
for a domain reason with the dummy arguments, which is fine). The calls are
generated from the schema, so a new field is covered as soon as it is in the matrix.
One app per leg; queries go in HTTP batches (sensitive ones, which refuse a batch,
alone), mutations one per request with a fresh token (some end the session).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from functools import cache
from typing import Any

import pytest
from graphql import (
    GraphQLNonNull,
    GraphQLSchema,
    Undefined,
    build_schema,
    get_named_type,
    is_enum_type,
    is_input_object_type,
    is_leaf_type,
    is_list_type,
)

from api.infra.settings import ROOT
from auth import tokens
from tests.conftest import Client
from tests.resolvers.helpers import token_for

ROLES = ("anonymous", "citizen", "staff", "client")
CELL_VALUES = {"anonymous": {"yes", "-"}, "citizen": {"yes", "-", "L2"},
               "staff": {"yes", "-"}, "client": {"yes", "-"}}
PERMISSION_CODES = {"UNAUTHENTICATED", "FORBIDDEN", "INSUFFICIENT_ASSURANCE"}
# A valid literal for each scalar a required argument may have.
SCALARS = {"Int": "1", "Float": "1.0", "Boolean": "true", "Date": '"2026-12-04"',
           "DateTime": '"2026-12-04T10:00:00+08:00"', "Decimal": '"1"'}
CITIZEN = ("梁嘉欣", "440605199005171018")
CLIENT = "school-test"
# The staff caller works for the supervision office (the hall that reviews appeals,
# ``FSREG_RATING_REVIEW_HALL``), and a hall argument names their own hall: hall-scoped
# refusals of other halls are the object-level tests' business, not the matrix's.
OWN_HALL = "REVIEW"
NAMED_ARGUMENTS = {"hallId": f'"{OWN_HALL}"'}


def _matrix() -> dict[str, dict[str, str]]:
    """field -> role -> cell, as written in auth/README.md."""
    text = (ROOT / "auth" / "README.md").read_text()
    rows = {}
    for m in re.finditer(r"^\|\s*((?:Query|Mutation)\.\w+)\s*\|([^\n]*)$", text, re.M):
        values = [v.strip() for v in m.group(2).split("|")][:4]
        rows[m.group(1)] = dict(zip(ROLES, values, strict=True))
    return rows


def _matrix_fields() -> set[str]:
    return set(_matrix())


@cache
def _schema() -> GraphQLSchema:
    return build_schema((ROOT / "schema.graphql").read_text())


def _schema_fields() -> set[str]:
    schema = _schema()
    names = set()
    for root in (schema.query_type, schema.mutation_type):
        if root is not None:
            names |= {f"{root.name}.{f}" for f in root.fields}
    return names


def test_every_root_field_is_in_the_matrix() -> None:
    missing = _schema_fields() - _matrix_fields()
    assert not missing, f"add these fields to auth/README.md: {sorted(missing)}"


def test_matrix_names_no_removed_field() -> None:
    stale = _matrix_fields() - _schema_fields()
    assert not stale, f"remove these fields from auth/README.md: {sorted(stale)}"


def test_every_cell_is_yes_dash_or_l2() -> None:
    bad = [(field, role, value) for field, row in _matrix().items()
           for role, value in row.items() if value not in CELL_VALUES[role]]
    assert not bad, f"cells must be yes or - (L2: citizens only): {bad}"


def _literal(t: Any, name: str = "") -> str:
    """A valid literal of ``t``: its required input fields, the first enum value."""
    if is_list_type(t.of_type if isinstance(t, GraphQLNonNull) else t):
        return "[]"
    named = get_named_type(t)
    if is_input_object_type(named):
        inner = ", ".join(f"{k}: {_literal(v.type, k)}" for k, v in named.fields.items()
                          if isinstance(v.type, GraphQLNonNull) and v.default_value is Undefined)
        return "{" + inner + "}"
    if is_enum_type(named):
        return next(iter(named.values))
    return NAMED_ARGUMENTS.get(name) or SCALARS.get(named.name, '"x"')


def _minimal_operation(field: str) -> str:
    """A valid call of ``field``: its required arguments without defaults, dummy values."""
    root_name, name = field.split(".")
    schema = _schema()
    root = schema.query_type if root_name == "Query" else schema.mutation_type
    assert root is not None
    f = root.fields[name]
    args = ", ".join(f"{a}: {_literal(v.type, a)}" for a, v in f.args.items()
                     if isinstance(v.type, GraphQLNonNull) and v.default_value is Undefined)
    call = f"{name}({args})" if args else name
    selection = "" if is_leaf_type(get_named_type(f.type)) else " { __typename }"
    keyword = "query" if root_name == "Query" else "mutation"
    return f"{keyword} {{ {call}{selection} }}"


@dataclass(frozen=True)
class Caller:
    role: str
    level: str | None = None  # a citizen's assurance level

    def __str__(self) -> str:
        return f"{self.role} {self.level}" if self.level else self.role


CALLERS = (Caller("anonymous"), Caller("citizen", "L1"), Caller("citizen", "L2"),
           Caller("staff"), Caller("client"))


def expected(cell: str, caller: Caller) -> str:
    """``allowed`` or the error code the cell promises this caller."""
    if cell == "yes" or (cell == "L2" and caller.level == "L2"):
        return "allowed"
    if cell == "L2":
        return "INSUFFICIENT_ASSURANCE"
    return "UNAUTHENTICATED" if caller.role == "anonymous" else "FORBIDDEN"


def outcome(field: str, body: dict[str, Any]) -> str:
    """What the answer shows: a permission code, ``allowed`` (the field ran), or
    ``not run`` (refused before execution: the generated call is at fault)."""
    name = field.split(".")[1]
    errors = body.get("errors") or []
    codes = [(e.get("extensions") or {}).get("code") for e in errors]
    if refused := [c for c in codes if c in PERMISSION_CODES]:
        return refused[0]
    ran = name in (body.get("data") or {}) or any(e.get("path") for e in errors)
    return "allowed" if ran else f"not run: {codes}"


async def _token(client: Client, caller: Caller) -> str | None:
    ring = client.state.keyring
    if caller.role == "citizen":
        return await token_for(client, *CITIZEN, level=caller.level or "L2")
    if caller.role == "staff":
        return tokens.issue_access(ring, citizen_id=f"{OWN_HALL}:张工", session_id=uuid.uuid4().hex,
                                   role="staff", acr="L2", channel="WINDOW", ttl_seconds=300)
    if caller.role == "client":
        return tokens.issue(ring, {"sub": CLIENT, "sid": uuid.uuid4().hex,
                                   "role": "client", "acr": "CLIENT", "channel": "API"},
                            typ=tokens.CLIENT_TYP, ttl_seconds=300)
    return None


async def _post(client: Client, payload: Any, token: str | None) -> Any:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    resp = await client.http.post("/graphql", json=payload, headers=headers)
    assert resp.headers["content-type"].startswith("application/json"), resp.text
    return resp.json()


async def _answers(client: Client, caller: Caller, fields: list[str]
                   ) -> dict[str, dict[str, Any]]:
    """Each field's answer for ``caller``: queries batched, then alone those that
    refuse a batch; mutations alone, each with a fresh token."""
    batch = client.state.settings.max_batch_operations
    queries = [f for f in fields if f.startswith("Query.")]
    answers: dict[str, dict[str, Any]] = {}
    for i in range(0, len(queries), batch):
        chunk = queries[i:i + batch]
        bodies = await _post(client, [{"query": _minimal_operation(f)} for f in chunk],
                             await _token(client, caller))
        answers.update(zip(chunk, bodies, strict=True))
    for field in fields:
        codes = {(e.get("extensions") or {}).get("code")
                 for e in answers.get(field, {}).get("errors") or []}
        if field not in answers or "BATCH_NOT_ALLOWED" in codes:
            answers[field] = await _post(client, {"query": _minimal_operation(field)},
                                         await _token(client, caller))
    return answers


async def test_every_cell_holds(client: Client) -> None:
    from api.services.proofs import clients

    assert client.state.settings.rating_review_hall == OWN_HALL
    await clients.register(client_id=CLIENT, name="某学校", kind="SCHOOL", secret="s",
                           allowed=[("SCHOOL_ENROLMENT", "HOLDS_NO_PROPERTY")])
    matrix = _matrix()
    wrong = []
    for caller in CALLERS:
        answers = await _answers(client, caller, sorted(matrix))
        for field, row in sorted(matrix.items()):
            want, got = expected(row[caller.role], caller), outcome(field, answers[field])
            if got != want:
                wrong.append(f"{field} as {caller}: matrix says {want}, got {got}: "
                             f"{answers[field]}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(("cell", "caller", "want"), [
    ("-", Caller("anonymous"), "UNAUTHENTICATED"),
    ("-", Caller("citizen", "L2"), "FORBIDDEN"),
    ("L2", Caller("citizen", "L1"), "INSUFFICIENT_ASSURANCE"),
    ("L2", Caller("citizen", "L2"), "allowed"),
    ("yes", Caller("client"), "allowed"),
])
def test_what_each_cell_promises(cell: str, caller: Caller, want: str) -> None:
    assert expected(cell, caller) == want


def test_a_call_refused_before_execution_is_not_taken_for_allowed() -> None:
    invalid = {"errors": [{"message": "x", "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"}}]}
    assert outcome("Query.me", invalid).startswith("not run")
    ran = {"data": None, "errors": [{"message": "x", "path": ["me"],
                                     "extensions": {"code": "BAD_USER_INPUT"}}]}
    assert outcome("Query.me", ran) == "allowed"
