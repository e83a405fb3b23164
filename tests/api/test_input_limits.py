"""Issue 12 item 11: every string input is bounded in the schema layer, with a
clear BAD_USER_INPUT, before anything runs (a 9 MB name once became a 25 MB
Redis value; an 81-character idempotency key an INTERNAL_SERVER_ERROR)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from graphql import (
    GraphQLInputType,
    GraphQLSchema,
    get_named_type,
    is_enum_type,
    is_input_object_type,
    is_object_type,
)

from api.graphql import input_limits
from api.graphql.schema import build_schema
from api.infra.settings import Settings
from tests.conftest import Client
from tests.resolvers.helpers import seed_demo, token_for

SETTINGS = Settings()
SCHEMA: GraphQLSchema = build_schema(SETTINGS)._schema
LIMITS = input_limits.InputLimits(SCHEMA, SETTINGS.max_body_bytes)
CHEN = ("陈志强", "440604196603129119")


def input_positions() -> Iterator[tuple[str, GraphQLInputType]]:
    """Every argument and input field of the schema, by schema coordinate."""
    for type_ in SCHEMA.type_map.values():
        if type_.name.startswith("__"):
            continue
        if is_object_type(type_):
            for name, field in type_.fields.items():  # type: ignore[attr-defined]
                for arg_name, arg in field.args.items():
                    yield f"{type_.name}.{name}({arg_name}:)", arg.type
        elif is_input_object_type(type_):
            for name, field in type_.fields.items():  # type: ignore[attr-defined]
                yield f"{type_.name}.{name}", field.type
    for directive in SCHEMA.directives:
        for arg_name, arg in directive.args.items():
            yield f"@{directive.name}({arg_name}:)", arg.type


def test_every_input_leaf_is_bounded() -> None:
    """A new scalar input (a JSON blob, an upload) must get a bound here first."""
    unbounded = sorted(f"{coordinate}: {get_named_type(type_).name}"
                       for coordinate, type_ in input_positions()
                       if not (is_input_object_type(get_named_type(type_))
                               or is_enum_type(get_named_type(type_)))
                       and get_named_type(type_).name not in input_limits.UNBOUNDED_SCALARS
                       and get_named_type(type_).name not in input_limits.DEFAULT_MAX_CHARS)
    assert not unbounded, "no length limit for: " + ", ".join(unbounded)


def test_every_override_names_a_real_position() -> None:
    coordinates = {c for c, _ in input_positions()}
    stale = sorted(set(input_limits.MAX_CHARS) - coordinates)
    assert not stale, f"api/input_limits.py MAX_CHARS names no schema position: {stale}"


@pytest.mark.parametrize(("coordinate", "type_"), list(input_positions()),
                         ids=lambda v: v if isinstance(v, str) else "")
def test_each_string_position_refuses_one_character_too_many(
        coordinate: str, type_: GraphQLInputType) -> None:
    named = get_named_type(type_)
    limit = input_limits.limit_for(coordinate, named.name, SETTINGS.max_body_bytes)
    if is_input_object_type(named) or is_enum_type(named) or limit is None:
        return
    assert 0 < limit <= SETTINGS.max_body_bytes
    value: object = "x" * limit
    over: object = "x" * (limit + 1)
    if "[" in str(type_):
        value, over = [value], ["ok", over]
    assert LIMITS.value(value, type_, coordinate) is None
    found = LIMITS.value(over, type_, coordinate)
    assert found == input_limits.TooLong(coordinate, limit)


START = """mutation ($i: StartFaceLoginInput!) { startFaceLogin(input: $i) { __typename } }"""
ISSUE = """mutation ($k: String) { issueCertificate(input: {kind: HOLDINGS,
  purpose: SCHOOL_ENROLMENT, idempotencyKey: $k}) { __typename ... on UserError { code } } }"""


def _too_long(body: dict, field: str, limit: int) -> None:
    assert "data" not in body, body
    [error] = body["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "reason": "TOO_LONG",
                                   "field": field, "maxLength": limit,
                                   "requestId": error["extensions"]["requestId"]}
    assert "最多" in error["message"]


async def test_a_huge_name_never_reaches_the_store(client: Client) -> None:
    before = await client.state.kv.dbsize()
    body = await client.gql(START, {"i": {"name": "陈" * (9 * 1024 * 1024 // 3),
                                          "idNumber": CHEN[1], "channel": "FOSHANTONG",
                                          "consentVersion": "2026-12"}})
    _too_long(body, "StartFaceLoginInput.name", 64)
    assert await client.state.kv.dbsize() == before


async def test_literals_nested_lists_and_defaults_are_measured(client: Client) -> None:
    name = "张" * 65
    literal = await client.gql(f'mutation {{ startSmsLogin(input: {{name: "{name}", '
                               f'idNumber: "{CHEN[1]}", channel: FOSHANTONG}}) {{ __typename }} }}')
    _too_long(literal, "StartSmsLoginInput.name", 64)
    default = await client.gql('query ($n: String! = "' + "x" * 65 + '") '
                               '{ verifyCertificate(number: $n, code: "c") { status } }')
    _too_long(default, "Query.verifyCertificate(number:)", 64)
    listed = await client.gql("mutation ($ids: [ID!]!) { markNotificationsRead(ids: $ids) "
                              "{ __typename } }",
                              {"ids": ["a", "b" * 129]})
    _too_long(listed, "Mutation.markNotificationsRead(ids:)", 128)
    tags = await client.gql('mutation { rateService(input: {serviceRef: "x", level: SATISFIED, channel: FOSHANTONG, '
                            'tags: ["' + "t" * 33 + '"]}) { __typename } }')
    _too_long(tags, "RateServiceInput.tags", 32)


async def test_idempotency_keys_over_80_characters(client: Client) -> None:
    await seed_demo(client)
    token = await token_for(client, *CHEN)
    ok = await client.gql(ISSUE, {"k": "k" * 80}, token=token)
    assert ok["data"]["issueCertificate"]["__typename"] == "CertificateIssued", ok
    for length in (81, 200, 100_000):
        body = await client.gql(ISSUE, {"k": "k" * length}, token=token)
        _too_long(body, "IssueCertificateInput.idempotencyKey", 80)


async def test_the_selfie_stays_bounded_by_the_body_cap_only(client: Client) -> None:
    """The face service's ImageTooLarge (typed) answers below the body cap."""
    assert input_limits.limit_for("CompleteFaceLoginInput.image", "String",
                                  client.state.settings.max_body_bytes) == \
        client.state.settings.max_body_bytes
    body = await client.gql("""mutation ($i: CompleteFaceLoginInput!) {
        completeFaceLogin(input: $i) { __typename } }""",
                            {"i": {"challengeId": "c", "image": "A" * 200_000}})
    assert body["data"]["completeFaceLogin"]["__typename"]
