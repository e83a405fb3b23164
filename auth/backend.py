"""Starlette authentication: a bearer access token becomes a principal.

A missing or bad token makes the request anonymous (fields then answer
UNAUTHENTICATED). A revoked session is refused at once on every worker,
because revocation is a key in the shared store, checked per request; if the
store cannot be asked, the principal is marked unverifiable and protected
fields fail closed with SERVICE_UNAVAILABLE.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from redis.exceptions import RedisError
from starlette.authentication import AuthCredentials, AuthenticationBackend, BaseUser
from starlette.requests import HTTPConnection

from api.services.session.revocation import revoked_key
from auth import tokens

log = logging.getLogger("auth")


@dataclass(frozen=True)
class Principal(BaseUser):
    kind: str  # "citizen" | "staff" | "client"
    subject: str
    session_id: str
    assurance_level: str
    channel: str
    verifiable: bool = True

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def display_name(self) -> str:
        return self.subject

    @property
    def identity(self) -> str:
        return self.subject


class TokenBackend(AuthenticationBackend):
    async def authenticate(self, conn: HTTPConnection) -> tuple[AuthCredentials, BaseUser] | None:
        header = conn.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            return None
        state = getattr(conn.app.state, "fsreg", None)
        if state is None:
            return None
        claims, matched, reason = None, "", ""
        for typ in (tokens.ACCESS_TYP, tokens.CLIENT_TYP):
            try:
                claims, matched = tokens.verify_access(state.keyring, token.strip(), typ=typ), typ
                break
            except tokens.TokenInvalid as exc:
                reason = str(exc)
        if claims is None:
            log.info("bearer token refused: %s", reason)
            return None
        # The header type decides the kind of caller, whatever the role claim says.
        if (matched == tokens.CLIENT_TYP) != (claims.role == "client"):
            return None
        verifiable = True
        try:
            if await state.kv.exists(revoked_key(claims.sid)):
                return None
        except (RedisError, OSError):
            verifiable = False
        principal = Principal(kind=claims.role, subject=claims.sub, session_id=claims.sid,
                              assurance_level=claims.acr, channel=claims.channel,
                              verifiable=verifiable)
        return AuthCredentials([claims.role, f"acr:{claims.acr}"]), principal
