"""Sessions: access tokens, rotating refresh tokens, logout and "my devices".

Owns (RELIABILITY R2 items 13-14):
- A refresh token is ``rt1.<session id>.<secret>``; only the secret's hash is
  stored. Rotation is one conditional UPDATE on the current hash, so of two
  concurrent refreshes exactly one wins.
- Presenting an already-rotated token revokes the whole family and is
  audited, except the loser of a race within a few seconds, which gets
  ``RefreshConflict`` and must use the winner's tokens. "Already rotated"
  means the secret matches one the family really had (``RetiredRefresh``):
  a made-up secret under a known session id is just invalid, and neither
  revokes the session nor writes a reuse audit (issue 12, item 10).
- Logout and revocation mark the session in the DB and put a key in the
  shared store that every worker checks on every request, so access tokens
  of that session stop working at once.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.expressions import F

from api.infra import limits
from api.infra.state import AppState
from api.models import Citizen, LoginSession, RetiredRefresh
from api.services import audit
from api.services.session.errors import RefreshConflict, SessionExpired, SessionNotFound
from api.services.session.revocation import revoked_key
from auth import tokens

PREFIX = "rt1"


@dataclass(frozen=True)
class IssuedTokens:
    access_token: str
    refresh_token: str
    expires_in: int
    assurance_level: str
    session: LoginSession


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _parse(refresh_token: str) -> tuple[uuid.UUID, str]:
    try:
        prefix, sid, secret = refresh_token.split(".")
        if prefix != PREFIX or len(secret) < 32:
            raise ValueError
        return uuid.UUID(hex=sid), secret
    except ValueError:
        raise SessionExpired() from None


def _access(state: AppState, session: LoginSession, citizen_id: str) -> str:
    return tokens.issue_access(state.keyring, citizen_id=citizen_id, session_id=session.id.hex,
                               role="citizen", acr=session.assurance_level,
                               channel=session.channel,
                               ttl_seconds=state.settings.access_token_ttl_seconds)


async def open_session(state: AppState, citizen: Citizen, *, assurance_level: str,
                       channel: str, device_label: str = "", ip_prefix: str = "",
                       kiosk_id: str | None = None) -> IssuedTokens:
    now = datetime.now(UTC)
    secret = secrets.token_urlsafe(32)
    session = await LoginSession.create(
        id=uuid.uuid4(), citizen_id=citizen.id, refresh_hash=_hash(secret),
        assurance_level=assurance_level, channel=channel, device_label=device_label[:80],
        ip_prefix=ip_prefix, kiosk_id=kiosk_id, expires_at=now + timedelta(
            seconds=state.settings.refresh_token_ttl_seconds))
    await audit.record("session.opened", actor=f"citizen:{citizen.id}",
                       subject=f"session:{session.id}",
                       detail={"acr": assurance_level, "channel": channel})
    return IssuedTokens(_access(state, session, str(citizen.id)),
                        f"{PREFIX}.{session.id.hex}.{secret}",
                        state.settings.access_token_ttl_seconds, assurance_level, session)


async def refresh(state: AppState, refresh_token: str) -> IssuedTokens:
    sid, secret = _parse(refresh_token)
    # Revocation lives in the shared store: if it cannot be asked, refuse
    # (SERVICE_UNAVAILABLE) rather than mint tokens for a logged-out session.
    if await limits.exists(state.kv, revoked_key(sid.hex)):
        raise SessionExpired()
    presented = _hash(secret)
    new_secret = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    won = await LoginSession.filter(
        id=sid, refresh_hash=presented, revoked_at=None, expires_at__gt=now,
    ).update(refresh_hash=_hash(new_secret), previous_hash=presented,
             generation=F("generation") + 1, rotated_at=now, last_used_at=now)
    session = await LoginSession.get_or_none(id=sid)
    if won == 1 and session is not None:
        await RetiredRefresh.create(hash=presented, session_id=sid, retired_at=now)
        return IssuedTokens(_access(state, session, str(session.citizen_id)),
                            f"{PREFIX}.{sid.hex}.{new_secret}",
                            state.settings.access_token_ttl_seconds, session.assurance_level,
                            session)
    if session is None or session.revoked_at is not None or session.expires_at <= now:
        raise SessionExpired()
    grace = timedelta(seconds=state.settings.refresh_race_grace_seconds)
    if session.previous_hash == presented and now - session.rotated_at <= grace:
        raise RefreshConflict()
    if session.previous_hash != presented and not await RetiredRefresh.exists(
            hash=presented, session_id=sid):
        raise SessionExpired()  # never a secret of this family: not reuse, just invalid
    # A token from earlier in the family came back: treat it as stolen.
    await _revoke(state, session, reason="REFRESH_REUSE")
    raise SessionExpired()


async def _revoke(state: AppState, session: LoginSession, *, reason: str) -> None:
    now = datetime.now(UTC)
    # The store first: if it is down, nothing is half-revoked and the caller
    # gets SERVICE_UNAVAILABLE to retry.
    await limits.set_lock(state.kv, revoked_key(session.id.hex),
                          state.settings.access_token_ttl_seconds + 60)
    await LoginSession.filter(id=session.id, revoked_at=None).update(
        revoked_at=now, revoked_reason=reason)
    await audit.record(f"session.revoked.{reason.lower()}", actor=f"citizen:{session.citizen_id}",
                       subject=f"session:{session.id}")


async def end_face_sessions(state: AppState, citizen_id: str) -> int:
    """Biometric consent withdrawn: every live face-level (L2) session ends at once."""
    live = await LoginSession.filter(citizen_id=citizen_id, assurance_level="L2",
                                     revoked_at=None)
    for session in live:
        await _revoke(state, session, reason="CONSENT_WITHDRAWN")
    return len(live)


async def logout(state: AppState, citizen_id: str, session_id: str) -> None:
    session = await _own_session(citizen_id, session_id)
    await _revoke(state, session, reason="LOGOUT")


async def revoke(state: AppState, citizen_id: str, session_id: str) -> LoginSession:
    session = await _own_session(citizen_id, session_id)
    await _revoke(state, session, reason="REVOKED_BY_USER")
    return await LoginSession.get(id=session.id)


async def _own_session(citizen_id: str, session_id: str) -> LoginSession:
    """Another citizen's session answers exactly like a missing one."""
    try:
        sid = uuid.UUID(hex=session_id.replace("-", ""))
    except ValueError:
        raise SessionNotFound() from None
    session = await LoginSession.get_or_none(id=sid, citizen_id=citizen_id)
    if session is None:
        raise SessionNotFound()
    return session


async def kiosk_of(session_id: str) -> str | None:
    """The enrolled kiosk a session was opened at (None: a phone, or unknown)."""
    try:
        sid = uuid.UUID(hex=session_id)
    except ValueError:
        return None
    session = await LoginSession.get_or_none(id=sid).only("id", "kiosk_id")
    return session.kiosk_id if session else None


async def my_sessions(citizen_id: str) -> list[LoginSession]:
    now = datetime.now(UTC)
    return await LoginSession.filter(citizen_id=citizen_id, revoked_at=None,
                                     expires_at__gt=now).order_by("-last_used_at")
