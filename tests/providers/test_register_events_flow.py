"""A register write reaches the platform: my properties, notifications, superseded certificates."""

from __future__ import annotations

import pytest

from api.providers.register_write import NewHolder, RegisterBatch, Transfer
from mock_providers.datagen import demo, demo_records
from tests.conftest import Client
from tests.resolvers.helpers import run_job, seed_demo, token_for

pytestmark = pytest.mark.slow
PROPS = "query { myProperties(first: 10) { edges { node { id unitNo } } } }"
ISSUE = """mutation { issueCertificate(input: {kind: HOLDINGS, purpose: SCHOOL_ENROLMENT}) {
  __typename ... on CertificateIssued { certificate { number verificationCode } } } }"""
VERIFY = """query ($n: String!, $c: String!) { verifyCertificate(number: $n, code: $c) {
  status } }"""
NOTES = "query { myNotifications(first: 10) { edges { node { kind title body } } } }"


async def units_of(client: Client, token: str) -> set[str]:
    body = await client.gql(PROPS, token=token)
    return {e["node"]["unitNo"] for e in body["data"]["myProperties"]["edges"]}


async def test_a_sale_moves_the_flat_supersedes_and_notifies(client: Client) -> None:
    await seed_demo(client)
    state = client.state
    contract = await state.providers.contracts.filed_contract(demo_records.FILING_NO)
    assert contract is not None
    seller = await token_for(client, "梁俊杰", demo.LIANG_JUNJIE)
    buyer = await token_for(client, "何诗琪", demo.HE_SHIQI)
    assert contract.unit_no in await units_of(client, seller)
    issued = await client.gql(ISSUE, token=seller)
    assert issued["data"]["issueCertificate"]["__typename"] == "CertificateIssued"
    cert = issued["data"]["issueCertificate"]["certificate"]

    result = await state.providers.registry.register(RegisterBatch(
        "SQ-2026-0001", contract.unit_no, (Transfer(
            tuple(NewHolder(b.name, b.id_number) for b in contract.buyers), "SOLE", "买卖",
            contract.filing_no),)), lambda snap: [])

    assert contract.unit_no in await units_of(client, buyer)
    assert contract.unit_no not in await units_of(client, seller)
    verified = await client.gql(VERIFY, {"n": cert["number"], "c": cert["verificationCode"]})
    assert verified["data"]["verifyCertificate"]["status"] == "SUPERSEDED"
    await run_job(client)
    for token in (seller, buyer):
        notes = (await client.gql(NOTES, token=token))["data"]["myNotifications"]["edges"]
        [transfer] = [n["node"] for n in notes if n["node"]["kind"] == "TRANSFER"]
        assert result.title_no in transfer["body"]
