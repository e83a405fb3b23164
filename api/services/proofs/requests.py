"""Consented, minimal-disclosure property proofs for third parties (issue 9).

Owns:
- the citizen's share code (short-lived, shown in the mini-program, given to
  the clerk): clients never look a citizen up by ID number;
- which (purpose, question) pairs a client may ask (its registration), and
  which fields each purpose may disclose (the questions themselves, their
  parameters and their matching: ``proof_questions``);
- the request -> decision -> grant lifecycle: a grant is time- and
  use-limited (conditional update on ``uses``), revocable, and every step
  shows in the citizen's access log and the audit trail;
- the answer: computed from the register at answer time, reduced to the
  fields fixed on the request and listed on the consent screen, and signed (ES256 JWS ``proof+jwt``) so the client can
  keep it as evidence and re-verify it offline with the published keys.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.expressions import F

from api.infra import limits
from api.infra.state import AppState
from api.models import ApiClient, Citizen, ProofRequest
from api.services import audit, purposes
from api.services.privacy import access_log
from api.services.proofs import questions as proof_questions
from api.services.proofs.errors import (
    AlreadyDecided,
    GrantUnavailable,
    ProofDeclined,
    ProofPending,
    ProofRequestNotFound,
    QuestionNotAllowed,
    SubjectNotFound,
)
from api.services.proofs.questions import QUESTIONS
from api.services.session import citizens
from auth import tokens

PROOF_TYP = "proof+jwt"
PROOF_AUDIENCE = "fsreg-proof"
SHARE_CODE_SECONDS = 10 * 60
DECIDE_WITHIN = timedelta(minutes=30)
_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

PURPOSES = purposes.labelled(purposes.PROOF)
# What each purpose may disclose beyond yes/no: school enrolment needs the
# address and the applicant's holding share; nothing asks for other
# properties, mortgages or ID numbers.
DISCLOSURE = {"SCHOOL_ENROLMENT": ("answer", "address", "share"),
              "HUKOU_TRANSFER": ("answer", "address"),
              "LOAN": ("answer",), "HOUSE_PURCHASE": ("answer",)}
FIELD_LABELS = {"answer": "是/否", "address": "房屋坐落", "share": "本人持有份额"}
# How long and how often an approved request may be answered.
GRANT = {"SCHOOL_ENROLMENT": (timedelta(days=30), 3), "HUKOU_TRANSFER": (timedelta(days=7), 2),
         "LOAN": (timedelta(days=7), 2), "HOUSE_PURCHASE": (timedelta(days=7), 1)}


def disclosed(req: ProofRequest) -> list[str]:
    """The fields this request may disclose: fixed when it was made (older rows: recomputed)."""
    if req.disclosed is not None:
        return list(req.disclosed)
    return proof_questions.disclosed_fields(req.question, DISCLOSURE[req.purpose])


@dataclass(frozen=True)
class ShareCode:
    code: str
    expires_at: datetime


@dataclass(frozen=True)
class Answer:
    request: ProofRequest
    as_of: datetime
    values: dict[str, Any]  # only the purpose's fields
    statement: str


async def share_code(state: AppState, citizen_id: str) -> ShareCode:
    """The citizen's current code, or a new one; codes last ten minutes."""
    async with limits.store_errors():
        current = await state.kv.get(f"share:citizen:{citizen_id}")
        if current:
            code = current.decode() if isinstance(current, bytes) else str(current)
            ttl = await state.kv.ttl(f"share:code:{code}")
            if ttl and ttl > 60:
                return ShareCode(code, datetime.now(UTC) + timedelta(seconds=int(ttl)))
        code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))
        await state.kv.set(f"share:code:{code}", citizen_id.encode(), ex=SHARE_CODE_SECONDS)
        await state.kv.set(f"share:citizen:{citizen_id}", code.encode(), ex=SHARE_CODE_SECONDS)
    return ShareCode(code, datetime.now(UTC) + timedelta(seconds=SHARE_CODE_SECONDS))


async def _citizen_for_code(state: AppState, code: str) -> Citizen:
    normalised = code.strip().upper().replace("-", "").replace(" ", "")[:16]
    async with limits.store_errors():
        raw = await state.kv.get(f"share:code:{normalised}")
    citizen_id = raw.decode() if isinstance(raw, bytes) else raw
    citizen = await Citizen.get_or_none(id=citizen_id) if citizen_id else None
    if citizen is None:
        raise SubjectNotFound()
    return citizen


def _accessor(client: ApiClient) -> access_log.Accessor:
    return access_log.Accessor(kind="THIRD_PARTY", name=client.name, actor=f"client:{client.id}",
                               channel="API")


async def _trace(req: ProofRequest, client: ApiClient, step: str) -> None:
    await access_log.record_access(
        (await Citizen.get(id=req.citizen_id)).id_number_hash, _accessor(client),
        purpose=f"{PURPOSES.get(req.purpose, req.purpose)}：{QUESTIONS[req.question]}"[:40],
        scope=f"PROOF_{step}")


async def request_proof(state: AppState, client: ApiClient, *, subject_code: str, purpose: str,
                        question: str, params: dict[str, Any]) -> ProofRequest:
    from api.errors import RateLimited

    count, ttl = await limits.hit(state.kv, f"rl:client:{client.id}", 60)
    if count > client.rate_per_minute:
        raise RateLimited(retry_after_seconds=ttl)
    if [purpose, question] not in client.allowed:
        raise QuestionNotAllowed()
    stored = proof_questions.check_parameters(question, params)
    citizen = await _citizen_for_code(state, subject_code)
    now = datetime.now(UTC)
    req = await ProofRequest.create(
        id=uuid.uuid4(), client_id=client.id, citizen_id=citizen.id, purpose=purpose,
        question=question, params=stored, status="PENDING", created_at=now,
        decide_by=now + DECIDE_WITHIN,
        disclosed=proof_questions.disclosed_fields(question, DISCLOSURE[purpose]))
    await _trace(req, client, "REQUESTED")
    return req


async def pending(citizen_id: str) -> list[ProofRequest]:
    return await ProofRequest.filter(citizen_id=citizen_id, status="PENDING",
                                     decide_by__gt=datetime.now(UTC)).order_by(
        "-created_at").prefetch_related("client")


async def decide(state: AppState, citizen_id: str, proof_id: str, *,
                 approve: bool) -> ProofRequest:
    req = await _own(citizen_id, proof_id)
    now = datetime.now(UTC)
    span, uses = GRANT[req.purpose]
    changed = await ProofRequest.filter(id=req.id, status="PENDING", decide_by__gt=now).update(
        status="APPROVED" if approve else "DECLINED", decided_at=now,
        grant_until=now + span if approve else None, max_uses=uses if approve else 0)
    if not changed:
        raise AlreadyDecided()
    req = await ProofRequest.get(id=req.id).prefetch_related("client")
    await audit.record(f"proof.{'granted' if approve else 'declined'}",
                       actor=f"citizen:{citizen_id}", subject=f"proof:{req.id}",
                       detail={"client": req.client_id, "question": req.question})
    await _trace(req, req.client, "GRANTED" if approve else "DECLINED")
    return req


async def grants(citizen_id: str) -> list[ProofRequest]:
    return await ProofRequest.filter(citizen_id=citizen_id, status="APPROVED").order_by(
        "-decided_at").prefetch_related("client")


async def revoke(state: AppState, citizen_id: str, proof_id: str) -> ProofRequest:
    req = await _own(citizen_id, proof_id)
    if req.status != "APPROVED":
        raise ProofRequestNotFound()
    await ProofRequest.filter(id=req.id, revoked_at=None).update(revoked_at=datetime.now(UTC))
    req = await ProofRequest.get(id=req.id).prefetch_related("client")
    await audit.record("proof.revoked", actor=f"citizen:{citizen_id}", subject=f"proof:{req.id}",
                       detail={"client": req.client_id})
    await _trace(req, req.client, "REVOKED")
    return req


async def _own(citizen_id: str, proof_id: str) -> ProofRequest:
    try:
        rid = uuid.UUID(proof_id)
    except ValueError:
        raise ProofRequestNotFound() from None
    req = await ProofRequest.get_or_none(id=rid, citizen_id=citizen_id)
    if req is None:
        raise ProofRequestNotFound()
    return req


async def answer(state: AppState, client: ApiClient, proof_id: str) -> Answer:
    try:
        rid = uuid.UUID(proof_id)
    except ValueError:
        raise ProofRequestNotFound() from None
    # Another client's request answers like a missing one.
    req = await ProofRequest.get_or_none(id=rid, client_id=client.id)
    if req is None:
        raise ProofRequestNotFound()
    now = datetime.now(UTC)
    if req.status == "PENDING":
        if req.decide_by <= now:
            raise GrantUnavailable()
        raise ProofPending(req.decide_by)
    if req.status == "DECLINED":
        raise ProofDeclined()
    used = await ProofRequest.filter(id=req.id, status="APPROVED", revoked_at=None,
                                     grant_until__gt=now, uses__lt=F("max_uses")).update(
        uses=F("uses") + 1)
    if not used:
        raise GrantUnavailable()
    citizen = await Citizen.get(id=req.citizen_id)
    me = citizens.id_number_of(state, citizen)
    holdings = await state.providers.registry.holdings(me)
    full = proof_questions.evaluate(req.question, req.params, holdings, me)
    values = {k: full.get(k) for k in disclosed(req)}
    as_of = now.replace(microsecond=0)
    statement = tokens.issue(state.keyring, {
        "sub": str(req.id), "client": client.id, "purpose": req.purpose,
        "question": req.question, "params": req.params, "asOf": as_of.isoformat(), **values},
        typ=PROOF_TYP, ttl_seconds=int(GRANT[req.purpose][0].total_seconds()),
        now=as_of.timestamp(), audience=PROOF_AUDIENCE)
    await audit.record("proof.answered", actor=f"client:{client.id}", subject=f"proof:{req.id}",
                       detail={"question": req.question, "fields": sorted(values)})
    await _trace(req, client, "ANSWERED")
    return Answer(req, as_of, values, statement)
