"""Shared steps for session tests: register a person, log in by SMS code."""

from __future__ import annotations

from dataclasses import dataclass

from api.providers import idnumber
from mock_providers.models import OutboxMessage
from mock_providers.outbox import mask_phone
from tests.conftest import Client

START_SMS = """
mutation ($input: StartSmsLoginInput!) {
  startSmsLogin(input: $input) {
    __typename
    ... on SmsChallenge { challengeId maskedPhone }
    ... on UserError { code message }
    ... on AccountLocked { retryAfterSeconds }
    ... on TooManyAttempts { retryAfterSeconds }
  }
}"""
COMPLETE_SMS = """
mutation ($input: CompleteSmsLoginInput!) {
  completeSmsLogin(input: $input) {
    __typename
    ... on LoginSuccess { accessToken refreshToken expiresIn assuranceLevel
                          citizen { maskedName maskedIdNumber } }
    ... on UserError { code message }
    ... on CodeMismatch { attemptsLeft }
    ... on AccountLocked { retryAfterSeconds }
  }
}"""


@dataclass(frozen=True)
class Person:
    name: str
    id_number: str
    phone: str


def person(seq: int = 1, name: str = "梁嘉欣") -> Person:
    from datetime import date

    return Person(name, idnumber.build("440605", date(1990, 5, 17), 100 + seq),
                  f"1380000{seq:04d}")


async def register(client: Client, p: Person, photo: bytes | None = None) -> None:
    await client.state.providers.identity.register(name=p.name, id_number=p.id_number,
                                                   gender="F", phone=p.phone, photo=photo)


async def last_code(phone: str) -> str:
    # The outbox keeps the number masked (and encrypted); test phones differ in their last digits.
    msg = await OutboxMessage.filter(channel="SMS", recipient=mask_phone(phone)).order_by(
        "-created_at").first()
    assert msg is not None
    return str(msg.body["code"])


async def sms_login(client: Client, p: Person, headers: dict[str, str] | None = None) -> dict:
    start = await client.gql(START_SMS, {"input": {"name": p.name, "idNumber": p.id_number,
                                                   "channel": "FOSHANTONG"}}, headers=headers)
    ch = start["data"]["startSmsLogin"]
    assert ch["__typename"] == "SmsChallenge", start
    done = await client.gql(COMPLETE_SMS, {"input": {"challengeId": ch["challengeId"],
                                                     "code": await last_code(p.phone)}},
                            headers=headers)
    result = done["data"]["completeSmsLogin"]
    assert result["__typename"] == "LoginSuccess", done
    return result


# The fixture faces' people (tests/fixtures/faces/person_*), for the face tests.
PEOPLE = {
    "person_a": ("陈志明", "440604", "19850312"),
    "person_b": ("李婉婷", "440605", "19900708"),
    "person_c": ("黄伟强", "440606", "19781120"),
    "person_d": ("梁淑仪", "440607", "19950203"),
}


def face_id(key: str) -> str:
    from datetime import date

    _, region, born = PEOPLE[key]
    return idnumber.build(region, date(int(born[:4]), int(born[4:6]), int(born[6:])),
                          11 + list(PEOPLE).index(key) * 2)
