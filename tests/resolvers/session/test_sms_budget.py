"""Issue 12, item 7: no SMS bombing, no identity oracle on startSmsLogin.

Codes per (name, ID) pair and per phone: 1 a minute, 5 an hour, 10 a day by
default, taken atomically in the shared store. A real and a made-up pair get
the same answer, shape and (at least) the same floor of time.
"""

from __future__ import annotations

import asyncio
import time

from mock_providers.models import OutboxMessage
from tests.conftest import Client
from tests.resolvers.session.helpers import START_SMS, Person, person, register


def _start(client: Client, p: Person, channel: str = "FOSHANTONG") -> object:
    return client.gql(START_SMS, {"input": {"name": p.name, "idNumber": p.id_number,
                                            "channel": channel}})


async def _codes() -> int:
    return await OutboxMessage.filter(channel="SMS", template="LOGIN_CODE").count()


async def test_six_starts_in_one_second_send_one_code(client: Client) -> None:
    p = person(seq=1)
    await register(client, p)
    bodies = await asyncio.gather(*[_start(client, p) for _ in range(6)])  # type: ignore[misc]
    kinds = sorted(b["data"]["startSmsLogin"]["__typename"] for b in bodies)
    assert kinds == ["SmsChallenge"] + ["TooManyAttempts"] * 5
    assert await _codes() == 1
    wait = next(b["data"]["startSmsLogin"] for b in bodies
                if b["data"]["startSmsLogin"]["__typename"] == "TooManyAttempts")
    assert 0 < wait["retryAfterSeconds"] <= 60


async def test_hourly_and_daily_budgets(client: Client) -> None:
    p = person(seq=2)
    await register(client, p)
    s = client.state.settings
    s.sms_per_minute, s.sms_per_hour, s.sms_per_day = 100, 3, 4
    kinds = [(await _start(client, p))["data"]["startSmsLogin"]["__typename"]  # type: ignore[index]
             for _ in range(4)]
    assert kinds == ["SmsChallenge"] * 3 + ["TooManyAttempts"]
    assert await _codes() == 3


async def test_a_phone_shared_by_two_identities_gets_its_own_budget(client: Client) -> None:
    """A family phone: five identities could otherwise send it 5x the codes."""
    a, b = person(seq=3), person(seq=4, name="梁嘉怡")
    b = Person(b.name, b.id_number, a.phone)
    await register(client, a)
    await register(client, b)
    first = await _start(client, a)
    second = await _start(client, b)
    assert first["data"]["startSmsLogin"]["__typename"] == "SmsChallenge"  # type: ignore[index]
    # The same answer as always (no hint), but the phone's minute is used up.
    assert second["data"]["startSmsLogin"]["__typename"] == "SmsChallenge"  # type: ignore[index]
    assert await _codes() == 1


async def test_real_and_made_up_pairs_answer_alike(client: Client) -> None:
    real = person(seq=5)
    await register(client, real)
    no_phone = person(seq=6, name="何晓")
    await client.state.providers.identity.register(name=no_phone.name,
                                                   id_number=no_phone.id_number, gender="F",
                                                   phone=None)
    made_up = Person("冒用者", real.id_number, "")
    client.state.settings.login_start_min_seconds = 0.3
    answers, took = [], []
    for p in (real, no_phone, made_up):
        started = time.monotonic()
        body = await _start(client, p)
        took.append(time.monotonic() - started)
        r = body["data"]["startSmsLogin"]  # type: ignore[index]
        answers.append({k: v for k, v in r.items() if k != "challengeId"})
    assert answers[0] == answers[1] == answers[2], answers
    assert answers[0]["__typename"] == "SmsChallenge"
    assert answers[0]["maskedPhone"] is None
    assert min(took) >= 0.3  # the floor hides the identity and SMS look-ups
    assert await _codes() == 1


async def test_face_start_has_the_same_floor(client: Client) -> None:
    from tests.resolvers.session.test_face_login import START

    client.state.settings.login_start_min_seconds = 0.3
    p = person(seq=7)
    started = time.monotonic()
    body = await client.gql(START, {"input": {"name": p.name, "idNumber": p.id_number,
                                              "channel": "FOSHANTONG",
                                              "consentVersion": "2026-12"}})
    assert body["data"]["startFaceLogin"]["__typename"] == "FaceChallenge"
    assert time.monotonic() - started >= 0.3
