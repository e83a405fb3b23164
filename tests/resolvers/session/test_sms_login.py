"""The non-face route: identity + SMS one-time code, assurance level L1."""

from __future__ import annotations

from tests.conftest import Client
from tests.resolvers.session.helpers import (
    COMPLETE_SMS,
    START_SMS,
    last_code,
    person,
    register,
    sms_login,
)

ME = "query { me { maskedName maskedIdNumber assuranceLevel channel } }"


class TestSmsLogin:
    async def test_logs_in_at_level_l1(self, client: Client) -> None:
        p = person()
        await register(client, p)
        result = await sms_login(client, p)
        assert result["assuranceLevel"] == "L1"
        assert result["citizen"] == {"maskedName": "梁**",
                                     "maskedIdNumber": f"440***********{p.id_number[-4:]}"}
        me = await client.gql(ME, token=result["accessToken"])
        assert me["data"]["me"]["assuranceLevel"] == "L1"

    async def test_no_phone_shown_before_a_factor_is_proven(self, client: Client) -> None:
        """Issue 12, item 7: the masked phone told a real pair from a made-up one."""
        p = person()
        await register(client, p)
        body = await client.gql(START_SMS, {"input": {"name": p.name, "idNumber": p.id_number,
                                                      "channel": "KIOSK"}})
        ch = body["data"]["startSmsLogin"]
        assert ch["__typename"] == "SmsChallenge"
        assert ch["maskedPhone"] is None
        assert p.phone[-4:] not in str(body)

    async def test_wrong_code_then_challenge_burns(self, client: Client) -> None:
        p = person()
        await register(client, p)
        start = await client.gql(START_SMS, {"input": {"name": p.name, "idNumber": p.id_number,
                                                       "channel": "FOSHANTONG"}})
        cid = start["data"]["startSmsLogin"]["challengeId"]
        code = await last_code(p.phone)
        wrong = "000000" if code != "000000" else "111111"
        results = []
        for _ in range(3):
            body = await client.gql(COMPLETE_SMS, {"input": {"challengeId": cid, "code": wrong}})
            results.append(body["data"]["completeSmsLogin"])
        assert [r["__typename"] for r in results] == ["CodeMismatch"] * 3
        assert results[0]["attemptsLeft"] == 2
        late = await client.gql(COMPLETE_SMS, {"input": {"challengeId": cid, "code": code}})
        assert late["data"]["completeSmsLogin"]["__typename"] == "ChallengeExpired"

    async def test_invalid_id_number(self, client: Client) -> None:
        body = await client.gql(START_SMS, {"input": {"name": "张三", "idNumber": "440604198503120010",
                                                      "channel": "FOSHANTONG"}})
        r = body["data"]["startSmsLogin"]
        assert r["__typename"] == "InvalidIdNumber"
        assert r["code"] == "INVALID_ID_NUMBER"
        assert "身份证" in r["message"]

    async def test_unknown_identity_gets_a_challenge_that_never_succeeds(
            self, client: Client) -> None:
        p = person(seq=7)
        body = await client.gql(START_SMS, {"input": {"name": p.name, "idNumber": p.id_number,
                                                      "channel": "FOSHANTONG"}})
        ch = body["data"]["startSmsLogin"]
        assert ch["__typename"] == "SmsChallenge"
        for code in ("000000", "123456"):
            done = await client.gql(COMPLETE_SMS, {"input": {"challengeId": ch["challengeId"],
                                                             "code": code}})
            assert done["data"]["completeSmsLogin"]["__typename"] == "CodeMismatch"

    async def test_me_requires_login(self, client: Client) -> None:
        body = await client.gql(ME)
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        bad = await client.gql(ME, token="not-a-token")
        assert bad["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


class TestLockout:
    async def test_five_failures_lock_the_identity_across_routes(self, client: Client) -> None:
        p = person()
        await register(client, p)
        client.state.settings.sms_per_minute = 5
        for _ in range(2):
            start = await client.gql(START_SMS, {"input": {"name": p.name, "idNumber": p.id_number,
                                                           "channel": "FOSHANTONG"}})
            cid = start["data"]["startSmsLogin"]["challengeId"]
            for _ in range(3):
                body = await client.gql(COMPLETE_SMS, {"input": {"challengeId": cid,
                                                                 "code": "99999x"}})
                kind = body["data"]["completeSmsLogin"]["__typename"]
                if kind == "AccountLocked":
                    break
        assert kind == "AccountLocked"
        assert body["data"]["completeSmsLogin"]["retryAfterSeconds"] > 0
        again = await client.gql(START_SMS, {"input": {"name": p.name, "idNumber": p.id_number,
                                                       "channel": "FOSHANTONG"}})
        assert again["data"]["startSmsLogin"]["__typename"] == "AccountLocked"

    async def test_lock_answer_same_for_unknown_identity(self, client: Client) -> None:
        ghost = person(seq=9, name="不存在")
        client.state.settings.sms_per_minute = 10
        kinds = []
        for _ in range(4):
            body = await client.gql(START_SMS, {"input": {"name": ghost.name,
                                                          "idNumber": ghost.id_number,
                                                          "channel": "FOSHANTONG"}})
            if body["data"]["startSmsLogin"]["__typename"] != "SmsChallenge":
                kinds.append(body["data"]["startSmsLogin"]["__typename"])
                break
            cid = body["data"]["startSmsLogin"]["challengeId"]
            for _ in range(3):
                done = await client.gql(COMPLETE_SMS, {"input": {"challengeId": cid,
                                                                 "code": "99999x"}})
                kinds.append(done["data"]["completeSmsLogin"]["__typename"])
        assert "AccountLocked" in kinds
        again = await client.gql(START_SMS, {"input": {"name": ghost.name,
                                                       "idNumber": ghost.id_number,
                                                       "channel": "FOSHANTONG"}})
        assert again["data"]["startSmsLogin"]["__typename"] == "AccountLocked"

    async def test_per_address_throttle(self, client: Client) -> None:
        client.state.settings.ip_login_attempts = 3
        kinds = []
        for i in range(5):
            p = person(seq=20 + i)
            body = await client.gql(START_SMS, {"input": {"name": p.name, "idNumber": p.id_number,
                                                          "channel": "FOSHANTONG"}})
            kinds.append(body["data"]["startSmsLogin"]["__typename"])
        assert kinds[-1] == "TooManyAttempts"
