"""The key ring: PII encryption keys, the blind-index key and token signing keys.

Keys are read from ``<keys_dir>/keyring.json`` (a mounted secret in
production). Development and test generate one on first use and mark it
``generated_for``; production refuses a missing, incomplete or generated
key ring, so there is never a plaintext or default-key fallback.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from api.infra.settings import Settings

KEYRING_FILE = "keyring.json"


class KeyringError(RuntimeError):
    """The key ring is missing or unusable: the app must not become ready."""


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key: ec.EllipticCurvePrivateKey

    @property
    def public_key(self) -> ec.EllipticCurvePublicKey:
        return self.private_key.public_key()


@dataclass(frozen=True)
class Keyring:
    """Old keys stay in the ring so what they protect stays readable (PII) or
    verifiable (tokens, certificate statements). A rotated family may name the
    time its new key takes over (``activate_at``): until then the previous key
    keeps encrypting/signing, so workers restarted one by one all know the new
    key before anything depends on it. The blind index has one key in use; a
    rotation adds a ``pending`` one that ``keys reencrypt`` rebuilds every index
    with, with the web workers stopped (``rebuilding`` refuses to start them)."""

    pii_active: str
    pii_keys: dict[str, bytes]
    blind_index_key: bytes
    token_active: str
    token_keys: dict[str, SigningKey]
    generated_for: str | None
    previous: dict[str, str] = field(default_factory=dict)  # family -> kid before activation
    activate_at: dict[str, float] = field(default_factory=dict)  # family -> epoch seconds
    blind_index_active: str = "bi-1"
    blind_index_keys: dict[str, bytes] = field(default_factory=dict)
    blind_index_pending: str | None = None
    rebuilding: bool = False

    def _current(self, family: str, declared: str, now: float | None) -> str:
        at = self.activate_at.get(family)
        if at is not None and (now if now is not None else time.time()) < at:
            return self.previous.get(family, declared)
        return declared

    def current_pii_kid(self, now: float | None = None) -> str:
        """The key new ciphertexts use."""
        return self._current("pii", self.pii_active, now)

    def current_token_key(self, now: float | None = None) -> SigningKey:
        return self.token_keys[self._current("tokens", self.token_active, now)]

    @property
    def active_token_key(self) -> SigningKey:
        """The key new tokens and statements are signed with."""
        return self.current_token_key()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def new_signing_pem() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def new_secret() -> str:
    return _b64(secrets.token_bytes(32))


def generate_keyring_document(env: str | None) -> dict:
    """A new ring; ``env`` marks it generated for development/test (production
    refuses such a ring), None for production (``python -m api keys init``)."""
    doc: dict = {
        "pii": {"active": "pii-1", "keys": {"pii-1": new_secret()}},
        "blind_index": {"active": "bi-1", "keys": {"bi-1": new_secret()}},
        "tokens": {"active": "tok-1", "keys": {"tok-1": new_signing_pem()}},
    }
    if env is not None:
        doc["generated_for"] = env
    return doc


def write_private(path: Path, text: str) -> None:
    """Owner-only from the first byte: the directory 0700, the file 0600, replaced
    atomically so a reader never sees half a ring."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
    os.replace(tmp, path)


def _blind_index(doc: dict) -> tuple[str, dict[str, bytes], str | None, bool]:
    raw = doc["blind_index"]
    if isinstance(raw, str):  # the first format: one key, no id
        return "bi-1", {"bi-1": base64.b64decode(raw)}, None, False
    keys = {kid: base64.b64decode(v) for kid, v in raw["keys"].items()}
    pending = raw.get("pending")
    if pending is not None and pending not in keys:
        raise KeyringError("key ring names a pending blind-index key it does not contain")
    return raw["active"], keys, pending, bool(raw.get("rebuilding"))


def parse_keyring(doc: dict) -> Keyring:
    try:
        pii_keys = {kid: base64.b64decode(v) for kid, v in doc["pii"]["keys"].items()}
        token_keys = {}
        for kid, pem in doc["tokens"]["keys"].items():
            key = serialization.load_pem_private_key(pem.encode(), password=None)
            if not isinstance(key, ec.EllipticCurvePrivateKey):
                raise KeyringError(f"token key {kid} is not an EC key")
            token_keys[kid] = SigningKey(kid, key)
        bi_active, bi_keys, bi_pending, rebuilding = _blind_index(doc)
        families = {"pii": doc["pii"], "tokens": doc["tokens"]}
        ring = Keyring(
            pii_active=doc["pii"]["active"],
            pii_keys=pii_keys,
            blind_index_key=bi_keys[bi_active],
            token_active=doc["tokens"]["active"],
            token_keys=token_keys,
            generated_for=doc.get("generated_for"),
            previous={f: str(v["previous"]) for f, v in families.items() if v.get("previous")},
            activate_at={f: float(v["activate_at"]) for f, v in families.items()
                         if v.get("activate_at") is not None},
            blind_index_active=bi_active,
            blind_index_keys=bi_keys,
            blind_index_pending=bi_pending,
            rebuilding=rebuilding,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise KeyringError(f"key ring is malformed: {type(exc).__name__}") from None
    if ring.pii_active not in ring.pii_keys or ring.token_active not in ring.token_keys:
        raise KeyringError("key ring names an active key it does not contain")
    if (ring.previous.get("pii", ring.pii_active) not in ring.pii_keys
            or ring.previous.get("tokens", ring.token_active) not in ring.token_keys):
        raise KeyringError("key ring names a previous key it does not contain")
    if any(len(k) != 32 for k in ring.pii_keys.values()) or any(
            len(k) < 32 for k in ring.blind_index_keys.values()):
        raise KeyringError("PII and blind-index keys must be 32 bytes")
    return ring


def keyring_path(settings: Settings) -> Path:
    return settings.resolved_keys_dir / KEYRING_FILE


def read_keyring_document(path: Path) -> dict:
    try:
        doc = json.loads(path.read_text())
    except (OSError, ValueError):
        raise KeyringError(f"cannot read the key ring at {path}") from None
    if not isinstance(doc, dict):
        raise KeyringError(f"the key ring at {path} is malformed")
    return doc


def load_keyring(settings: Settings, *, rebuilding_ok: bool = False) -> Keyring:
    """``rebuilding_ok``: only ``keys reencrypt`` may open a ring whose blind
    index is being rebuilt; everything else refuses (lookups would miss rows)."""
    path = keyring_path(settings)
    if not path.exists():
        if settings.is_production:
            raise KeyringError(f"no key ring at {path}; production never generates keys "
                               "(create one with: python -m api keys init)")
        write_private(path, json.dumps(generate_keyring_document(settings.app_env.value)))
    ring = parse_keyring(read_keyring_document(path))
    if settings.is_production and ring.generated_for:
        raise KeyringError("the key ring was generated for development; refusing in production")
    if ring.rebuilding and not rebuilding_ok:
        raise KeyringError("the blind index is being rebuilt: finish `python -m api keys "
                           "reencrypt` before starting the app")
    return ring
