"""RELIABILITY R2 item 12: JWT handling refuses every known confusion."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from api.infra.keys import Keyring, generate_keyring_document, parse_keyring
from auth import tokens


@pytest.fixture
def ring() -> Keyring:
    return parse_keyring(generate_keyring_document("test"))


def _b64(obj: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


def _good_claims() -> dict:
    now = int(time.time())
    return {"iss": tokens.ISSUER, "aud": tokens.AUDIENCE, "sub": "c1", "sid": "s1",
            "jti": "j1", "iat": now, "exp": now + 300, "role": "citizen", "acr": "L2",
            "channel": "FOSHANTONG"}


class TestAccessTokens:
    def test_round_trip(self, ring: Keyring) -> None:
        token = tokens.issue_access(ring, citizen_id="c1", session_id="s1", role="citizen",
                                    acr="L2", channel="FOSHANTONG", ttl_seconds=300)
        claims = tokens.verify_access(ring, token)
        assert (claims.sub, claims.sid, claims.acr) == ("c1", "s1", "L2")

    def test_alg_none_refused(self, ring: Keyring) -> None:
        token = f"{_b64({'alg': 'none', 'typ': 'at+jwt', 'kid': 'tok-1'})}.{_b64(_good_claims())}."
        with pytest.raises(tokens.TokenInvalid):
            tokens.verify_access(ring, token)

    def test_hmac_with_public_key_refused(self, ring: Keyring) -> None:
        pub = ring.active_token_key.public_key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        token = f"{_b64({'alg': 'HS256', 'typ': 'at+jwt', 'kid': 'tok-1'})}.{_b64(_good_claims())}"
        import hashlib
        import hmac
        sig = base64.urlsafe_b64encode(hmac.new(pub, token.encode(), hashlib.sha256).digest())
        with pytest.raises(tokens.TokenInvalid):
            tokens.verify_access(ring, token + "." + sig.rstrip(b"=").decode())

    def test_other_asymmetric_family_refused(self, ring: Keyring) -> None:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        token = jwt.encode(_good_claims(), key, algorithm="RS256",
                           headers={"kid": "tok-1", "typ": "at+jwt"})
        with pytest.raises(tokens.TokenInvalid):
            tokens.verify_access(ring, token)

    @pytest.mark.parametrize("header", [
        {"kid": "nope"}, {"kid": None}, {"kid": 5}, {"kid": "../../etc/passwd"},
        {"kid": "tok-1", "jku": "http://127.0.0.1:1/keys"},
        {"kid": "tok-1", "x5u": "http://127.0.0.1:1/cert"},
    ])
    def test_bad_kid_and_remote_key_headers_refused(self, ring: Keyring, header: dict) -> None:
        good = jwt.encode(_good_claims(), ring.active_token_key.private_key, algorithm="ES256",
                          headers={"typ": "at+jwt", "kid": "tok-1"})
        # PyJWT will not encode a non-string kid: splice the header in by hand.
        _, payload, sig = good.split(".")
        token = f"{_b64({'alg': 'ES256', 'typ': 'at+jwt', **header})}.{payload}.{sig}"
        with pytest.raises(tokens.TokenInvalid):
            tokens.verify_access(ring, token)

    @pytest.mark.parametrize("missing", ["exp", "iat", "iss", "aud", "sub", "jti"])
    def test_required_claims(self, ring: Keyring, missing: str) -> None:
        claims = _good_claims()
        del claims[missing]
        token = jwt.encode(claims, ring.active_token_key.private_key, algorithm="ES256",
                           headers={"kid": "tok-1", "typ": "at+jwt"})
        with pytest.raises(tokens.TokenInvalid):
            tokens.verify_access(ring, token)

    @pytest.mark.parametrize("typ", [None, "JWT", "rt+jwt", tokens.CLIENT_TYP, "cert+jwt"])
    def test_typ_checked(self, ring: Keyring, typ: str | None) -> None:
        headers = {"kid": "tok-1"} | ({"typ": typ} if typ else {})
        token = jwt.encode(_good_claims(), ring.active_token_key.private_key, algorithm="ES256",
                           headers=headers)
        if typ is None:
            # PyJWT adds typ=JWT by default; strip it to test a token without typ.
            h, p, s = token.split(".")
            hd = json.loads(base64.urlsafe_b64decode(h + "=="))
            hd.pop("typ", None)
            token = f"{_b64(hd)}.{p}.{s}"
        with pytest.raises(tokens.TokenInvalid):
            tokens.verify_access(ring, token)

    def test_expired_refused(self, ring: Keyring) -> None:
        token = tokens.issue_access(ring, citizen_id="c1", session_id="s1", role="citizen",
                                    acr="L2", channel="KIOSK", ttl_seconds=60,
                                    now=time.time() - 3600)
        with pytest.raises(tokens.TokenInvalid):
            tokens.verify_access(ring, token)

    def test_foreign_key_with_known_kid_refused(self, ring: Keyring) -> None:
        other = ec.generate_private_key(ec.SECP256R1())
        token = jwt.encode(_good_claims(), other, algorithm="ES256",
                           headers={"kid": "tok-1", "typ": "at+jwt"})
        with pytest.raises(tokens.TokenInvalid):
            tokens.verify_access(ring, token)

    def test_rotated_key_still_verifies_old_tokens(self) -> None:
        doc = generate_keyring_document("test")
        old = parse_keyring(doc)
        token = tokens.issue_access(old, citizen_id="c1", session_id="s1", role="citizen",
                                    acr="L1", channel="KIOSK", ttl_seconds=300)
        doc["tokens"]["keys"]["tok-2"] = generate_keyring_document("test")["tokens"]["keys"][
            "tok-1"]
        doc["tokens"]["active"] = "tok-2"
        new = parse_keyring(doc)
        assert tokens.verify_access(new, token).sub == "c1"
        fresh = tokens.issue_access(new, citizen_id="c1", session_id="s1", role="citizen",
                                    acr="L1", channel="KIOSK", ttl_seconds=300)
        assert jwt.get_unverified_header(fresh)["kid"] == "tok-2"
