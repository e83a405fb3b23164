"""The role x field matrix in auth/README.md names every root field."""

from __future__ import annotations

import re

import pytest
from graphql import build_schema

from api.infra.settings import ROOT


def _matrix_fields() -> set[str]:
    text = (ROOT / "auth" / "README.md").read_text()
    return set(re.findall(r"^\|\s*((?:Query|Mutation)\.\w+)\s*\|", text, re.M))


def _schema_fields() -> set[str]:
    schema = build_schema((ROOT / "schema.graphql").read_text())
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


ROLES = ("anonymous", "citizen", "staff", "client")


def _refusals() -> list[tuple[str, str]]:
    """(field, role) for every ``-`` cell of the matrix."""
    text = (ROOT / "auth" / "README.md").read_text()
    cells = []
    for m in re.finditer(r"^\|\s*((?:Query|Mutation)\.\w+)\s*\|([^\n]*)$", text, re.M):
        values = [v.strip() for v in m.group(2).split("|")][:4]
        cells += [(m.group(1), role) for role, v in zip(ROLES, values, strict=True) if v == "-"]
    return cells


def _minimal_operation(field: str) -> str:
    """A syntactically valid call of ``field`` with dummy arguments."""
    from graphql import GraphQLNonNull, get_named_type, is_input_object_type, is_leaf_type

    schema = build_schema((ROOT / "schema.graphql").read_text())
    root_name, name = field.split(".")
    root = schema.query_type if root_name == "Query" else schema.mutation_type
    assert root is not None
    f = root.fields[name]

    def dummy(t: object) -> str:
        named = get_named_type(t)
        if is_input_object_type(named):
            inner = ", ".join(f"{k}: {dummy(v.type)}" for k, v in named.fields.items()
                              if isinstance(v.type, GraphQLNonNull))
            return "{" + inner + "}"
        if hasattr(named, "values"):
            return next(iter(named.values))
        return {"Int": "1", "Float": "1.0", "Boolean": "true"}.get(named.name, '"x"')

    args = ", ".join(f"{a}: {dummy(v.type)}" for a, v in f.args.items()
                     if isinstance(v.type, GraphQLNonNull))
    call = f"{name}({args})" if args else name
    ret = get_named_type(f.type)
    selection = "" if is_leaf_type(ret) else " { __typename }"
    keyword = "query" if root_name == "Query" else "mutation"
    return f"{keyword} {{ {call}{selection} }}"


async def _token(client, role: str) -> str | None:  # type: ignore[no-untyped-def]
    import uuid

    from auth import tokens
    from tests.resolvers.helpers import token_for

    ring = client.state.keyring
    if role == "citizen":
        return await token_for(client, "梁嘉欣", "440605199005171018")
    if role == "staff":
        return tokens.issue_access(ring, citizen_id="FS-CENTRE:张工", session_id=uuid.uuid4().hex,
                                   role="staff", acr="L2", channel="WINDOW", ttl_seconds=300)
    if role == "client":
        return tokens.issue(ring, {"sub": "school-test", "sid": uuid.uuid4().hex,
                                   "role": "client", "acr": "CLIENT", "channel": "API"},
                            typ=tokens.CLIENT_TYP, ttl_seconds=300)
    return None


@pytest.mark.parametrize(("field", "role"), _refusals())
async def test_refused_where_the_matrix_says(client, field: str, role: str) -> None:  # type: ignore[no-untyped-def]
    body = await client.gql(_minimal_operation(field), token=await _token(client, role))
    assert body.get("errors"), body
    expected = "UNAUTHENTICATED" if role == "anonymous" else "FORBIDDEN"
    assert body["errors"][0]["extensions"]["code"] == expected, body
