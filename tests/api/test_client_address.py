"""Issue 12, item 15: behind a load balancer, limits count per real client.

The forwarded address is believed only from a trusted proxy; from any other
peer the headers are ignored. Unit rules for the resolver, then the limiters
end to end (login throttle, certificate verification, the session list).
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError

from api.app import create_app
from api.http.client_address import parse_networks, resolve
from api.infra.settings import Settings
from tests.conftest import Client, Leg, running
from tests.resolvers.session.helpers import START_SMS, person, register, sms_login

PROXIES = parse_networks(["10.0.0.0/8", "2001:db8::/32"])


def _h(**headers: str) -> list[tuple[bytes, bytes]]:
    return [(k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()]


class TestResolve:
    def test_untrusted_peer_headers_ignored(self) -> None:
        assert resolve("203.0.113.5", _h(x_forwarded_for="198.51.100.1"), PROXIES) == \
            "203.0.113.5"
        assert resolve("203.0.113.5", _h(forwarded="for=198.51.100.1"), PROXIES) == "203.0.113.5"

    def test_no_trusted_list_means_peer(self) -> None:
        assert resolve("10.0.0.1", _h(x_forwarded_for="198.51.100.1"), ()) == "10.0.0.1"

    def test_trusted_proxy_forwarded_for(self) -> None:
        assert resolve("10.0.0.1", _h(x_forwarded_for="198.51.100.1"), PROXIES) == "198.51.100.1"

    def test_client_written_entries_left_of_the_real_one_are_not_believed(self) -> None:
        # The client sent "X-Forwarded-For: 1.1.1.1"; the proxy appended the real peer.
        headers = _h(x_forwarded_for="1.1.1.1, 198.51.100.7")
        assert resolve("10.0.0.1", headers, PROXIES) == "198.51.100.7"

    def test_chain_of_trusted_proxies(self) -> None:
        headers = _h(x_forwarded_for="198.51.100.7, 10.1.1.1, 10.2.2.2")
        assert resolve("10.0.0.1", headers, PROXIES) == "198.51.100.7"

    def test_rfc7239_forwarded_with_ports_and_ipv6(self) -> None:
        headers = _h(forwarded='for="[2001:db9::5]:4711";proto=https, for=10.3.3.3:80')
        assert resolve("10.0.0.1", headers, PROXIES) == "2001:db9::5"
        # Forwarded wins over X-Forwarded-For when both are present.
        both = _h(forwarded="for=198.51.100.9", x_forwarded_for="198.51.100.1")
        assert resolve("10.0.0.1", both, PROXIES) == "198.51.100.9"

    def test_junk_from_a_trusted_proxy_stops_at_the_proxy(self) -> None:
        assert resolve("10.0.0.1", _h(x_forwarded_for="unknown"), PROXIES) == "10.0.0.1"
        assert resolve("10.0.0.1", _h(forwarded="for=_hidden"), PROXIES) == "10.0.0.1"

    def test_bad_cidr_refused_at_start_up(self) -> None:
        with pytest.raises(ValidationError):
            Settings(trusted_proxies="10.0.0.0/33")
        assert Settings(trusted_proxies="10.0.0.0/8, 192.0.2.7").trusted_proxies == [
            "10.0.0.0/8", "192.0.2.7"]


async def _client_from(leg: Leg, tmp: Path, shared_face_pool: object, peer: str,
                       **overrides: object) -> tuple[object, Settings]:
    if leg.is_pg:
        from tests.conftest import _reset_pg

        await _reset_pg(leg)
    settings = leg.settings(tmp, **overrides)
    return create_app(settings, face_pool=shared_face_pool), settings


async def _starts(client: Client, forwarded: list[str]) -> list[str]:
    kinds = []
    for i, addr in enumerate(forwarded):
        p = person(seq=40 + i)
        body = await client.gql(START_SMS, {"input": {"name": p.name, "idNumber": p.id_number,
                                                      "channel": "KIOSK"}},
                                headers={"x-forwarded-for": addr})
        kinds.append(body["data"]["startSmsLogin"]["__typename"])
    return kinds


@pytest.mark.parametrize("trusted", [True, False])
async def test_login_throttle_counts_forwarded_client_only_from_trusted_proxy(
        leg: Leg, tmp_path: Path, shared_face_pool: object, trusted: bool) -> None:
    app, _ = await _client_from(leg, tmp_path, shared_face_pool, "127.0.0.1",
                                ip_login_attempts=2,
                                trusted_proxies=["127.0.0.1/32"] if trusted else [])
    async with running(app):  # type: ignore[arg-type]
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 5555))  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            c = Client(app, http)  # type: ignore[arg-type]
            # Three people behind one balancer, two requests each.
            kinds = await _starts(c, ["198.51.100.1", "198.51.100.1", "198.51.100.2",
                                      "198.51.100.2", "198.51.100.3", "198.51.100.3"])
    if trusted:
        assert "TooManyAttempts" not in kinds, kinds
    else:
        # The header is ignored: all six share the peer's budget of two.
        assert kinds[2:] == ["TooManyAttempts"] * 4, kinds


@pytest.mark.parametrize("trusted", [True, False])
async def test_spoofed_header_from_untrusted_peer_does_not_buy_a_new_budget(
        leg: Leg, tmp_path: Path, shared_face_pool: object, trusted: bool) -> None:
    """An attacker rotating X-Forwarded-For: ignored from an untrusted peer; from
    behind the trusted proxy only the entry the proxy appended counts."""
    app, _ = await _client_from(leg, tmp_path, shared_face_pool, "127.0.0.1",
                                ip_login_attempts=2,
                                trusted_proxies=["127.0.0.1"] if trusted else [])
    async with running(app):  # type: ignore[arg-type]
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 5555))  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            c = Client(app, http)  # type: ignore[arg-type]
            kinds = await _starts(c, [f"1.1.1.{i}, 198.51.100.9" for i in range(4)])
    assert kinds[2:] == ["TooManyAttempts"] * 2, kinds


@pytest.mark.parametrize("trusted", [True, False])
async def test_session_list_and_verification_limit_use_the_same_address(
        leg: Leg, tmp_path: Path, shared_face_pool: object, trusted: bool) -> None:
    from api.models import LoginSession

    app, _ = await _client_from(leg, tmp_path, shared_face_pool, "127.0.0.1",
                                verify_attempts_per_minute=1,
                                trusted_proxies=["127.0.0.1"] if trusted else [])
    verify = 'query { verifyCertificate(number: "FS-X", code: "Y") { status } }'
    async with running(app):  # type: ignore[arg-type]
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 5555))  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            c = Client(app, http)  # type: ignore[arg-type]
            p = person(seq=60)
            await register(c, p)
            await sms_login(c, p, headers={"x-forwarded-for": "198.51.100.77"})
            session = await LoginSession.get()
            answers = []
            for addr in ("198.51.100.1", "198.51.100.2"):
                body = await c.gql(verify, headers={"x-forwarded-for": addr})
                answers.append(body["errors"][0]["extensions"]["code"] if "errors" in body
                               else "OK")
    assert session.ip_prefix == ("198.51.100.77" if trusted else "127.0.0.1")
    assert answers == (["OK", "OK"] if trusted else ["OK", "RATE_LIMITED"])
