"""Revoked sessions: a key in the shared store, so logout works at once on every worker.

``sessions`` sets it when a session ends (logout, revocation, refresh-token
reuse, biometric consent withdrawn); ``auth.backend`` refuses, on every
request, a bearer token whose session has it (RELIABILITY R2 item 14).
"""

from __future__ import annotations


def revoked_key(session_id: str) -> str:
    return f"revoked:sid:{session_id}"
