"""RELIABILITY R1 item 10: every root field that takes an id answers another
citizen's id exactly like a missing one. The field list comes from the SDL, so
a new id-taking field fails here until it gets a case."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

import pytest
from graphql import GraphQLID, build_schema, get_named_type

from api.infra.settings import ROOT
from api.services.appointments.calendar import SHANGHAI
from mock_providers.datagen.demo import CHEN_ZHIQIANG, HE_SHIQI, HUANG_GUOLIANG
from tests.conftest import Client
from tests.resolvers.helpers import run_job, seed_demo, token_for

MISSING = "00000000-0000-0000-0000-000000000000"
Case = Callable[[Client, str, str], Awaitable[tuple[dict, dict]]]


def _id_fields() -> set[str]:
    schema = build_schema((ROOT / "schema.graphql").read_text())
    found = set()
    for root in (schema.query_type, schema.mutation_type):
        for name, field in (root.fields if root else {}).items():
            if any(get_named_type(a.type) is GraphQLID for a in field.args.values()):
                found.add(f"{root.name}.{name}")
    return found


async def _property(c: Client, me: str, other: str) -> tuple[dict, dict]:
    q = "query ($id: ID!) { property(id: $id) { id } }"
    theirs = (await c.gql("query { myProperties(first: 1) { edges { node { id } } } }",
                          token=other))["data"]["myProperties"]["edges"][0]["node"]["id"]
    return (await c.gql(q, {"id": theirs}, token=me)), (await c.gql(q, {"id": MISSING},
                                                                    token=me))


async def _certificate(c: Client, me: str, other: str) -> tuple[dict, dict]:
    issued = await c.gql("mutation { issueCertificate(input: {kind: HOLDINGS, purpose: TAX}) "
                         "{ ... on CertificateIssued { certificate { id } } } }", token=other)
    theirs = issued["data"]["issueCertificate"]["certificate"]["id"]
    q = "query ($id: ID!) { certificate(id: $id) { id } }"
    return (await c.gql(q, {"id": theirs}, token=me)), (await c.gql(q, {"id": MISSING},
                                                                    token=me))


async def _revoke_session(c: Client, me: str, other: str) -> tuple[dict, dict]:
    theirs = (await c.gql("query { mySessions { id } }", token=other))["data"]["mySessions"][0][
        "id"]
    q = "mutation ($id: ID!) { revokeSession(sessionId: $id) { __typename } }"
    return (await c.gql(q, {"id": theirs}, token=me)), (await c.gql(q, {"id": MISSING.replace(
        "-", "")}, token=me))


async def _mark_read(c: Client, me: str, other: str) -> tuple[dict, dict]:
    unit = (await c.gql("query { myProperties(first: 1) { edges { node { unitNo } } } }",
                        token=other))["data"]["myProperties"]["edges"][0]["node"]["unitNo"]
    await c.state.providers.registry.record_event(unit, "OBJECTION", {"party": "x"})
    await run_job(c)
    notes = await c.gql("query { myNotifications(first: 5) { edges { node { id } } } }",
                        token=other)
    theirs = notes["data"]["myNotifications"]["edges"][0]["node"]["id"]
    q = ("mutation ($ids: [ID!]!) { markNotificationsRead(ids: $ids) "
         "{ __typename ... on NotificationsMarkedRead { marked } } }")
    return (await c.gql(q, {"ids": [theirs]}, token=me)), (await c.gql(q, {"ids": [MISSING]},
                                                                      token=me))


async def _proof_setup(c: Client, other: str) -> tuple[str, str]:
    """A school's approved request about ``other``; returns (school token, request id)."""
    from api.services.proofs import clients

    await clients.register(client_id="school-x", name="某学校", kind="SCHOOL", secret="s",
                           allowed=[("SCHOOL_ENROLMENT", "HOLDS_NO_PROPERTY")])
    token = (await c.http.post("/oauth/token", data={
        "grant_type": "client_credentials", "client_id": "school-x", "client_secret": "s"}
    )).json()["access_token"]
    code = (await c.gql("query { myShareCode { code } }", token=other))["data"]["myShareCode"][
        "code"]
    asked = await c.gql("mutation ($c: String!) { requestPropertyProof(input: {subjectCode: $c, "
                        "purpose: SCHOOL_ENROLMENT, question: HOLDS_NO_PROPERTY}) "
                        "{ ... on ProofRequested { requestId } } }", {"c": code}, token=token)
    rid = asked["data"]["requestPropertyProof"]["requestId"]
    await c.gql("mutation ($id: ID!) { decideProofRequest(input: {requestId: $id, approve: true})"
                " { __typename } }", {"id": rid}, token=other)
    return token, rid


async def _revoke_grant(c: Client, me: str, other: str) -> tuple[dict, dict]:
    _, rid = await _proof_setup(c, other)
    q = "mutation ($id: ID!) { revokeGrant(requestId: $id) { __typename } }"
    return (await c.gql(q, {"id": rid}, token=me)), (await c.gql(q, {"id": MISSING}, token=me))


async def _property_proof(c: Client, me: str, other: str) -> tuple[dict, dict]:
    from api.services.proofs import clients

    _, rid = await _proof_setup(c, other)
    await clients.register(client_id="bank-y", name="某银行", kind="BANK", secret="s",
                           allowed=[("LOAN", "HOLDS_NO_PROPERTY")])
    bank = (await c.http.post("/oauth/token", data={
        "grant_type": "client_credentials", "client_id": "bank-y", "client_secret": "s"}
    )).json()["access_token"]
    q = "query ($id: ID!) { propertyProof(requestId: $id) { __typename } }"
    return (await c.gql(q, {"id": rid}, token=bank)), (await c.gql(q, {"id": MISSING},
                                                                  token=bank))


async def _their_booking(c: Client, other: str) -> tuple[str, str]:
    from datetime import timedelta

    from api.services.appointments.halls import seed_halls

    await seed_halls()
    # From tomorrow: today's first free slot may start before the booking lands.
    today = datetime.now(SHANGHAI).date() + timedelta(days=1)
    slots = (await c.gql("query ($f: String!, $t: String!) { availableSlots(hallId: "
                         "\"FS-CENTRE\", serviceItem: OTHER, from: $f, to: $t) { id } }",
                         {"f": today.isoformat(), "t": (today + timedelta(days=6)).isoformat()}
                         ))["data"]["availableSlots"]
    booked = await c.gql("mutation ($s: ID!) { bookAppointment(input: {slotId: $s, "
                         "serviceItem: OTHER}) { ... on BookingConfirmed { appointment { id } } } }",
                         {"s": slots[0]["id"]}, token=other)
    return booked["data"]["bookAppointment"]["appointment"]["id"], slots[-1]["id"]


async def _cancel_appointment(c: Client, me: str, other: str) -> tuple[dict, dict]:
    theirs, _ = await _their_booking(c, other)
    q = "mutation ($id: ID!) { cancelAppointment(id: $id) { __typename } }"
    return (await c.gql(q, {"id": theirs}, token=me)), (await c.gql(q, {"id": MISSING},
                                                                    token=me))


async def _reschedule_appointment(c: Client, me: str, other: str) -> tuple[dict, dict]:
    theirs, slot = await _their_booking(c, other)
    q = ("mutation ($id: ID!, $s: ID!) { rescheduleAppointment(id: $id, slotId: $s) "
         "{ __typename } }")
    return (await c.gql(q, {"id": theirs, "s": slot}, token=me)), (await c.gql(
        q, {"id": MISSING, "s": slot}, token=me))


async def _check_in(c: Client, me: str, other: str) -> tuple[dict, dict]:
    theirs, _ = await _their_booking(c, other)
    q = "mutation ($id: ID!) { checkIn(appointmentId: $id) { __typename } }"
    return (await c.gql(q, {"id": theirs}, token=me)), (await c.gql(q, {"id": MISSING},
                                                                    token=me))


CASES: dict[str, Case] = {
    "Mutation.revokeGrant": _revoke_grant,
    "Query.propertyProof": _property_proof,
    "Query.property": _property,
    "Query.certificate": _certificate,
    "Mutation.revokeSession": _revoke_session,
    "Mutation.markNotificationsRead": _mark_read,
    "Mutation.cancelAppointment": _cancel_appointment,
    "Mutation.rescheduleAppointment": _reschedule_appointment,
    "Mutation.checkIn": _check_in,
}
# Staff-only fields are authorised by role, not ownership (tested with their domain).
STAFF_FIELDS = {"Mutation.revokeCertificate", "Mutation.callNextTicket", "Mutation.markServed",
                "Mutation.markNoShow", "Mutation.confirmTicketPriority", "Mutation.appealRating",
                "Mutation.reviewAppeal"}
# Ids of public reference data (halls) that belong to nobody.
REFERENCE_FIELDS = {"Query.availableSlots", "Mutation.takeWalkInTicket"}


def test_every_id_field_has_a_case() -> None:
    assert _id_fields() == set(CASES) | STAFF_FIELDS | REFERENCE_FIELDS


@pytest.mark.parametrize("field", sorted(CASES))
async def test_foreign_id_answers_like_missing(client: Client, field: str) -> None:
    await seed_demo(client)
    me = await token_for(client, "何诗琪", HE_SHIQI)
    other = await token_for(client, "黄国梁" if field != "Query.certificate" else "陈志强",
                            HUANG_GUOLIANG if field != "Query.certificate" else CHEN_ZHIQIANG)
    foreign, missing = await CASES[field](client, me, other)
    assert "errors" not in foreign, foreign
    assert foreign["data"] == missing["data"]
