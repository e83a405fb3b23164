"""E-sealed certificates of holdings (不动产登记查询结果证明), of selected holdings
(部分不动产登记查询结果证明) and of no holdings (无房证明).

Owns (RELIABILITY R6 items 32-34, R5 item 28, issue 12 item 1):
- what a certificate states: the citizen's holdings read from the register at
  issue time, and the minimal facts a verifier is shown. HOLDINGS is always
  all of them; a selection is its own kind, PARTIAL_HOLDINGS, which never
  states a total and says "部分不动产，非名下全部" (``api.certificates.wording``).
  HOLDINGS with a strict selection is refused (``SelectionNotWhole``) rather
  than turned into a partial certificate the client did not ask for: the
  citizen learns at once, not at the school's counter, that the paper cannot
  serve a purpose that counts every property;
- the verification code (80 bits from a CSPRNG, shown to the owner, stored
  encrypted and as a keyed MAC) and the QR statement (ES256 JWS, ``typ``
  ``cert+jwt``, checkable offline with the published keys);
- issuing as one transaction (record, signed PDF, audit event with the PDF's
  hash), idempotent per citizen on the client's key;
- status: VALID, EXPIRED, REVOKED (staff, with reason, audited), SUPERSEDED
  (a register event concerned the holder after issue);
- verification answering an unknown number and a wrong code identically.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.exceptions import IntegrityError

from api.infra import limits
from api.infra.db import in_transaction
from api.infra.state import AppState
from api.models import Certificate, Citizen
from api.providers.registry import Holding
from api.services import audit, purposes
from api.services.certificates import documents as certificate_documents
from api.services.certificates import wording
from api.services.certificates.errors import (
    AlreadyRevoked,
    CertificateNotFound,
    HoldingsExist,
    IdempotencyConflict,
    NoHoldingsToCertify,
    NothingSelected,
    PropertyNotSelectable,
    PurposeNeedsWholeHoldings,
    SelectionIsWhole,
    SelectionNotWhole,
)
from api.services.platform import DISTRICT_NAMES
from api.services.privacy import access_log, notifications
from api.services.properties import holdings as properties
from api.services.session import citizens
from auth import tokens

SHANGHAI = ZoneInfo("Asia/Shanghai")
STATEMENT_TYP = "cert+jwt"
STATEMENT_AUDIENCE = "fsreg-certificate-verifier"
DOWNLOAD_TYP = "dl+jwt"
DOWNLOAD_AUDIENCE = "fsreg-download"
PURPOSES = purposes.labelled(purposes.CERTIFICATE)
CO_OWNERSHIP = {"SOLE": "单独所有", "JOINT": "共同共有", "IN_SHARES": "按份共有"}
ENCUMBRANCE_LABELS = {"MORTGAGE": "抵押", "SEIZURE": "查封", "PRE_REGISTRATION": "预告登记",
                      "OBJECTION": "异议登记"}
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: 5 bits a character
_CODE_LENGTH = 16  # 80 bits
SCOPE_NOTE = "查询范围：佛山市（禅城区、南海区、顺德区、三水区、高明区）不动产登记簿"


@dataclass(frozen=True)
class Issued:
    certificate: Certificate
    replayed: bool  # True when an earlier request with the same key is answered again


@dataclass(frozen=True)
class Verification:
    status: str  # VALID | EXPIRED | REVOKED | SUPERSEDED | NOT_FOUND | INVALID_SIGNATURE
    certificate: Certificate | None
    facts: dict[str, Any] | None
    checked_at: datetime


def new_code() -> str:
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, _CODE_LENGTH, 4))


def normalise_code(code: str) -> str:
    text = code.upper().replace("-", "").replace(" ", "").replace("O", "0").replace(
        "I", "1").replace("L", "1")
    return "-".join(text[i:i + 4] for i in range(0, len(text), 4))


def _code_mac(state: AppState, number: str, code: str) -> str:
    return state.vault.blind_index(f"{number}:{normalise_code(code)}", purpose="cert_code")


def status_of(cert: Certificate, now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    if cert.revoked_at is not None:
        return "REVOKED"
    if cert.superseded_at is not None:
        return "SUPERSEDED"
    if cert.valid_until <= now:
        return "EXPIRED"
    return "VALID"


def verify_url(state: AppState, payload: str) -> str:
    return f"{state.settings.public_base_url.rstrip('/')}/v/{payload}"


def _encumbrance_text(h: Holding) -> str:
    parts = [f"{ENCUMBRANCE_LABELS.get(e.kind, e.kind)}（{e.party}）"
             if e.kind in ("MORTGAGE", "SEIZURE") else ENCUMBRANCE_LABELS.get(e.kind, e.kind)
             for e in h.encumbrances if e.status == "ACTIVE"]
    return "；".join(parts) or "无"


def _facts(kind: str, purpose: str, citizen: Citizen, issued_at: datetime,
           valid_until: datetime, chosen: list[Holding]) -> dict[str, Any]:
    """What is printed and what a verifier is told: nothing beyond the paper."""
    return {
        "kind": kind, "purpose": purpose, "holder": citizen.masked_name,
        "idNumber": citizen.masked_id_number, "issuedAt": issued_at.isoformat(),
        "validUntil": valid_until.isoformat(),
        "properties": [{"titleNo": h.title_no, "district": DISTRICT_NAMES.get(h.district_code, ""),
                        "address": h.address, "use": h.use,
                        "restrictions": _encumbrance_text(h)} for h in chosen],
    }


def _statement(facts: dict[str, Any]) -> dict[str, Any]:
    """The QR's signed statement: the facts a verifier must match against the paper,
    in short keys so the code stays scannable (addresses are on the paper and online)."""
    statement = {"k": facts["kind"], "p": facts["purpose"], "h": facts["holder"],
                 "i": facts["idNumber"], "t": [p["titleNo"] for p in facts["properties"]]}
    if not wording.covers_all(facts["kind"]):
        statement["n"] = wording.PARTIAL_STATEMENT  # said offline too, not only by the kind
    return statement


def _fingerprint(kind: str, purpose: str, property_ids: list[str] | None) -> str:
    body = json.dumps([kind, purpose, sorted(property_ids) if property_ids else None])
    return hashlib.sha256(body.encode()).hexdigest()


async def _existing(citizen: Citizen, key: str | None, fingerprint: str) -> Certificate | None:
    if not key:
        return None
    found = await Certificate.get_or_none(citizen_id=citizen.id, idempotency_key=key)
    if found is not None and found.request_fingerprint != fingerprint:
        raise IdempotencyConflict()
    return found


def check_purpose(kind: str, purpose: str) -> None:
    if not wording.covers_all(kind) and purpose in wording.WHOLE_ONLY_PURPOSES:
        raise PurposeNeedsWholeHoldings()


def _choose(kind: str, holdings: list[Holding], property_ids: list[str] | None) -> list[Holding]:
    if kind == wording.NO_HOLDINGS:
        if holdings:
            raise HoldingsExist()
        return []
    if not holdings:
        raise NoHoldingsToCertify()
    by_id = {h.right_id: h for h in holdings}
    chosen = list(dict.fromkeys(property_ids or []))
    if any(pid not in by_id for pid in chosen):
        raise PropertyNotSelectable()
    whole = not chosen or set(chosen) == set(by_id)
    if kind == wording.HOLDINGS:
        if not whole:
            raise SelectionNotWhole()
        return holdings  # every property, in the register's order, however they were named
    if not chosen:
        raise NothingSelected()
    if whole:
        raise SelectionIsWhole()
    return [by_id[pid] for pid in chosen]


async def issue(state: AppState, citizen_id: str, *, kind: str, purpose: str,
                property_ids: list[str] | None, idempotency_key: str | None,
                channel: str) -> Issued:
    from api.services.certificates.pdf import CertificateContent, HoldingRow, render_certificate

    check_purpose(kind, purpose)
    citizen = await citizens.get(citizen_id)
    fingerprint = _fingerprint(kind, purpose, property_ids)
    if (found := await _existing(citizen, idempotency_key, fingerprint)) is not None:
        return Issued(found, replayed=True)
    accessor = access_log.Accessor(kind="SELF", name="本人", actor=f"citizen:{citizen.id}",
                                   channel=channel)
    holdings = await properties.holdings_of(state, citizen, accessor, purpose="开具证明")
    chosen = _choose(kind, holdings, property_ids)
    issued_at = datetime.now(UTC).replace(microsecond=0)
    valid_until = issued_at + timedelta(days=state.settings.certificate_validity_days)
    cert_id, code = uuid.uuid4(), new_code()
    number = f"FSBDC{issued_at.astimezone(SHANGHAI):%Y%m%d}{secrets.randbelow(10**8):08d}"
    facts = _facts(kind, purpose, citizen, issued_at, valid_until, chosen)
    payload = tokens.issue(state.keyring, {"sub": number, **_statement(facts)}, typ=STATEMENT_TYP,
                           ttl_seconds=int((valid_until - issued_at).total_seconds()),
                           now=issued_at.timestamp(), audience=STATEMENT_AUDIENCE)
    content = CertificateContent(
        number=number, kind=kind, holder_name=citizens.name_of(state, citizen),
        masked_id_number=citizen.masked_id_number, purpose=PURPOSES[purpose],
        issued_at=issued_at, valid_until=valid_until,
        scope_note=SCOPE_NOTE if wording.covers_all(kind) else wording.PARTIAL_SCOPE_NOTE,
        holdings=tuple(HoldingRow(
            unit_no=h.unit_no, title_no=h.title_no, address=h.address, use=h.use,
            building_area=h.building_area, co_ownership=CO_OWNERSHIP[h.co_ownership],
            share=f"{h.share_percent.normalize():f}%" if h.share_percent else None,
            encumbrances=_encumbrance_text(h)) for h in chosen),
        verification_code=code, verify_url=f"{state.settings.public_base_url.rstrip('/')}/verify",
        qr_payload=verify_url(state, payload))
    # Rendering and signing are CPU work: off the event loop.
    unsigned = await asyncio.to_thread(render_certificate, content)
    signed = await state.providers.seal.sign_pdf(
        unsigned, reason=f"{wording.TITLES[kind]}（{PURPOSES[purpose]}）", location="佛山市不动产登记中心")
    digest = hashlib.sha256(signed).hexdigest()
    cert = Certificate(
        id=cert_id, number=number, citizen_id=citizen.id, subject_hash=citizen.id_number_hash,
        kind=kind, purpose=purpose,
        code_enc=state.vault.encrypt(code, table="certificate", column="code", row=str(cert_id)),
        code_mac=_code_mac(state, number, code), facts=facts, qr_payload=payload,
        pdf_sha256=digest, issued_at=issued_at, valid_until=valid_until,
        idempotency_key=idempotency_key, request_fingerprint=fingerprint)
    try:
        async with in_transaction() as tx:
            await cert.save(using_db=tx, force_create=True)
            await certificate_documents.store(state, cert_id, signed, conn=tx)
            await audit.record("certificate.issued", actor=f"citizen:{citizen.id}",
                               subject=f"certificate:{number}",
                               detail={"kind": kind, "purpose": purpose, "pdf_sha256": digest,
                                       "properties": len(chosen)}, conn=tx)
    except IntegrityError:
        # A concurrent double tap with the same key won the insert: answer with its result.
        if (found := await _existing(citizen, idempotency_key, fingerprint)) is not None:
            return Issued(found, replayed=True)
        raise
    return Issued(cert, replayed=False)


async def mine(citizen_id: str) -> list[Certificate]:
    return await Certificate.filter(citizen_id=citizen_id).order_by("-issued_at")


async def own(citizen_id: str, certificate_id: str) -> Certificate | None:
    """Another citizen's certificate answers exactly like a missing one."""
    try:
        cid = uuid.UUID(certificate_id)
    except ValueError:
        return None
    return await Certificate.get_or_none(id=cid, citizen_id=citizen_id)


def code_of(state: AppState, cert: Certificate) -> str:
    return state.vault.decrypt(cert.code_enc, table="certificate", column="code",
                               row=str(cert.id))


def download_token(state: AppState, cert: Certificate) -> str:
    return tokens.issue(state.keyring, {"sub": str(cert.id)}, typ=DOWNLOAD_TYP,
                        ttl_seconds=state.settings.download_link_seconds,
                        audience=DOWNLOAD_AUDIENCE)


async def document_for_download(state: AppState, certificate_id: str, token: str
                                ) -> tuple[Certificate, bytes] | None:
    try:
        claims = tokens.verify(state.keyring, token, typ=DOWNLOAD_TYP, audience=DOWNLOAD_AUDIENCE)
    except tokens.TokenInvalid:
        return None
    if claims["sub"] != certificate_id:
        return None
    cert = await Certificate.get_or_none(id=certificate_id)
    if cert is None:
        return None
    pdf = await certificate_documents.load(state, cert)
    return (cert, pdf) if pdf is not None else None


async def revoke(state: AppState, certificate_id: str, *, reason: str, staff: str) -> Certificate:
    try:
        cid = uuid.UUID(certificate_id)
    except ValueError:
        raise CertificateNotFound() from None
    now = datetime.now(UTC)
    async with in_transaction() as tx:
        changed = await Certificate.filter(id=cid, revoked_at=None).using_db(tx).update(
            revoked_at=now, revoked_reason=reason[:200], revoked_by=staff[:80])
        cert = await Certificate.filter(id=cid).using_db(tx).first()
        if cert is None:
            raise CertificateNotFound()
        if not changed:
            raise AlreadyRevoked()
        await audit.record("certificate.revoked", actor=staff, subject=f"certificate:{cert.number}",
                           detail={"reason": reason[:200]}, conn=tx)
    return cert


# -- verification ----------------------------------------------------------------

async def _throttle(state: AppState, client_key: str) -> None:
    from api.errors import RateLimited

    count, ttl = await limits.hit(state.kv, f"rl:verify:{client_key}", 60)
    if count > state.settings.verify_attempts_per_minute:
        raise RateLimited(retry_after_seconds=ttl)


async def _as_of_register(state: AppState, cert: Certificate) -> Certificate:
    """A register change the register-events job has not recorded yet already makes
    the certificate SUPERSEDED for the verifier (shown, not written: the job writes it)."""
    if cert.superseded_at is None and cert.revoked_at is None:
        cert.superseded_at = notifications.superseding(
            await notifications.pending_register_events(state), cert.subject_hash,
            cert.issued_at)
    return cert


async def _log_verification(cert: Certificate, verifier: str, channel: str) -> None:
    await access_log.record_access(cert.subject_hash, access_log.Accessor(
        kind="VERIFIER", name=verifier, actor=f"verifier:{verifier}", channel=channel),
        purpose=f"核验{wording.TITLES.get(cert.kind, '证明')}", scope=f"CERTIFICATE:{cert.number}")


async def verify_by_code(state: AppState, number: str, code: str, *, client_key: str,
                         verifier: str, channel: str) -> Verification:
    await _throttle(state, client_key)
    cert = await Certificate.get_or_none(number=number.strip().upper()[:24])
    # Compare against a dummy MAC when the number is unknown, so both paths do
    # the same work and answer in the same shape.
    expected = cert.code_mac if cert else "0" * 64
    matches = hmac.compare_digest(_code_mac(state, number.strip().upper(), code), expected)
    now = datetime.now(UTC)
    if cert is None or not matches:
        return Verification("NOT_FOUND", None, None, now)
    await _log_verification(cert, verifier, channel)
    status = status_of(await _as_of_register(state, cert), now)
    return Verification(status, cert, cert.facts if status != "REVOKED" else None, now)


async def verify_statement(state: AppState, payload: str, *, client_key: str, verifier: str,
                           channel: str) -> Verification:
    """The QR statement: signature first (offline-checkable), then the live status."""
    await _throttle(state, client_key)
    now = datetime.now(UTC)
    try:
        # Expired statements still verify their signature: the status says EXPIRED.
        claims = tokens.verify(state.keyring, payload.strip(), typ=STATEMENT_TYP,
                               audience=STATEMENT_AUDIENCE, leeway=10 * 365 * 86400)
    except tokens.TokenInvalid:
        return Verification("INVALID_SIGNATURE", None, None, now)
    cert = await Certificate.get_or_none(number=str(claims["sub"]))
    if cert is None or cert.qr_payload != payload.strip():
        return Verification("NOT_FOUND", None, None, now)
    await _log_verification(cert, verifier, channel)
    status = status_of(await _as_of_register(state, cert), now)
    return Verification(status, cert, cert.facts if status != "REVOKED" else None, now)

