"""Issue 12, item 6: knowing an ID number must not be enough to lock its owner out.

Failures count per (identity, client); per identity only after the name
check passed, and then per route, so the other route (and the hall) stays
open. Each "client" here is its own TCP peer address.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import httpx
import pytest

from tests.conftest import Client
from tests.resolvers.session.helpers import COMPLETE_SMS, START_SMS, last_code, person, register
from tests.resolvers.session.test_face_login import COMPLETE, START, WRONG_FACES, _b64

From = Callable[[str], AbstractAsyncContextManager[Client]]


@pytest.fixture
def from_address(client: Client) -> From:
    """``async with from_address("198.51.100.7") as c``: the same app, another peer."""
    @asynccontextmanager
    async def make(ip: str) -> AsyncIterator[Client]:
        transport = httpx.ASGITransport(app=client.app, client=(ip, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            yield Client(client.app, http)
    return make


async def _sms_fail(c: Client, name: str, number: str) -> list[str]:
    start = await c.gql(START_SMS, {"input": {"name": name, "idNumber": number,
                                              "channel": "FOSHANTONG"}})
    ch = start["data"]["startSmsLogin"]
    if ch["__typename"] != "SmsChallenge":
        return [ch["__typename"]]
    kinds = []
    for _ in range(3):
        done = await c.gql(COMPLETE_SMS, {"input": {"challengeId": ch["challengeId"],
                                                    "code": "99999x"}})
        kinds.append(done["data"]["completeSmsLogin"]["__typename"])
        if kinds[-1] == "AccountLocked":
            break
    return kinds


async def _owner_sms_login(c: Client, p: object) -> str:
    start = await c.gql(START_SMS, {"input": {"name": p.name, "idNumber": p.id_number,  # type: ignore[attr-defined]
                                              "channel": "FOSHANTONG"}})
    ch = start["data"]["startSmsLogin"]
    if ch["__typename"] != "SmsChallenge":
        return str(ch["__typename"])
    done = await c.gql(COMPLETE_SMS, {"input": {"challengeId": ch["challengeId"],
                                                "code": await last_code(p.phone)}})  # type: ignore[attr-defined]
    return str(done["data"]["completeSmsLogin"]["__typename"])


async def test_wrong_names_lock_only_the_attackers_own_pair(client: Client,
                                                            from_address: From) -> None:
    owner = person(seq=1)
    await register(client, owner)
    client.state.settings.sms_per_minute = 50
    client.state.settings.sms_per_hour = 50
    async with from_address("203.0.113.66") as attacker:
        kinds: list[str] = []
        for i in range(4):  # far more failures than the old limit of 5, each a new name
            kinds += await _sms_fail(attacker, f"冒用者{i}", owner.id_number)
        assert "AccountLocked" in kinds
        # The attacker is locked out of this ID number from their address...
        again = await attacker.gql(START_SMS, {"input": {"name": "冒用者", "idNumber":
                                                         owner.id_number, "channel": "KIOSK"}})
        assert again["data"]["startSmsLogin"]["__typename"] == "AccountLocked"
    # ... and the owner, elsewhere, is not.
    async with from_address("198.51.100.20") as home:
        assert await _owner_sms_login(home, owner) == "LoginSuccess"
        face = await home.gql(START, {"input": {"name": owner.name, "idNumber": owner.id_number,
                                                "channel": "FOSHANTONG",
                                                "consentVersion": "2026-12"}})
        assert face["data"]["startFaceLogin"]["__typename"] == "FaceChallenge"


@pytest.mark.slow
async def test_wrong_faces_for_a_real_pair_lock_the_face_route_and_leave_sms_open(
        client: Client, from_address: From, faces_dir: Path) -> None:
    owner = person(seq=2, name="陈志明")
    await register(client, owner, photo=(faces_dir / "person_c" / "reference.jpg").read_bytes())
    s = client.state.settings
    kinds: list[str] = []
    for addr in ("203.0.113.1", "203.0.113.2"):  # two devices, five wrong faces each
        async with from_address(addr) as attacker:
            for f in WRONG_FACES:
                ch = (await attacker.gql(START, {"input": {
                    "name": owner.name, "idNumber": owner.id_number, "channel": "FOSHANTONG",
                    "consentVersion": "2026-12"}}))["data"]["startFaceLogin"]
                if ch["__typename"] != "FaceChallenge":
                    kinds.append(ch["__typename"])
                    break
                done = await attacker.gql(COMPLETE, {"input": {
                    "challengeId": ch["challengeId"],
                    "image": _b64((faces_dir / f).read_bytes())}})
                kinds.append(done["data"]["completeFaceLogin"]["__typename"])
    assert kinds.count("AccountLocked") == 2, kinds  # each device, then the identity
    assert s.max_failed_attempts_per_identity == 10
    async with from_address("198.51.100.30") as home:
        face = await home.gql(START, {"input": {"name": owner.name, "idNumber": owner.id_number,
                                                "channel": "FOSHANTONG",
                                                "consentVersion": "2026-12"}})
        locked = face["data"]["startFaceLogin"]
        assert locked["__typename"] == "AccountLocked"
        assert "短信验证码" in locked["message"]
        assert "大厅" in locked["message"]
        # The SMS route, with its own limits, still lets the owner in.
        assert await _owner_sms_login(home, owner) == "LoginSuccess"


async def test_lock_message_names_the_way_in(client: Client, from_address: From) -> None:
    owner = person(seq=3)
    await register(client, owner)
    client.state.settings.sms_per_minute = 50
    client.state.settings.sms_per_hour = 50
    kinds: list[str] = []
    async with from_address("203.0.113.9") as c:
        for _ in range(3):
            kinds += await _sms_fail(c, owner.name, owner.id_number)
        start = await c.gql(START_SMS, {"input": {"name": owner.name, "idNumber":
                                                  owner.id_number, "channel": "KIOSK"}})
    locked = start["data"]["startSmsLogin"]
    assert locked["__typename"] == "AccountLocked"
    assert "大厅" in locked["message"]
