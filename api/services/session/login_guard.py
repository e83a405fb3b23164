"""Who may try to log in, how often, and what a failure costs (RELIABILITY R2 15).

Owns (issue 12, items 6 and 7):
- The per-address throttle on every login start and completion.
- Failures count per (identity, client): the pair locks after
  ``max_failed_attempts``. Someone who only knows an ID number locks out
  nobody but themselves, wherever the name they type is wrong.
- Failures that passed the name check (a wrong face, a wrong code, a replay)
  also count per identity and route; at ``max_failed_attempts_per_identity``
  that route is locked for everyone. The other route stays open (face locked:
  the SMS code still reaches the citizen's own phone; SMS locked: face login
  still works), and the hall always is: the messages say so.
- SMS codes per phone and per (name, ID) pair: 1 a minute, 5 an hour, 10 a
  day by default, decided atomically in the shared store for every worker.
- Login starts take no less than ``login_start_min_seconds`` whether the pair
  is known or not, so the answer's timing tells nothing either.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

from api.infra import limits
from api.infra.state import AppState
from api.services import audit
from api.services.session.errors import AccountLocked, TooManyAttempts

FACE = "face"
SMS = "sms"

_LOCKED_MESSAGES = {
    FACE: "刷脸验证失败次数过多，刷脸登录已临时锁定。您可改用短信验证码登录，或携带身份证到登记大厅窗口办理",
    SMS: "验证码错误次数过多，短信登录已临时锁定。您可改用刷脸登录，或携带身份证到登记大厅窗口办理",
    "pair": "验证失败次数过多，本设备已临时锁定，请稍后再试；也可携带身份证到登记大厅窗口办理",
}


@dataclass(frozen=True)
class Client:
    """Where an attempt comes from: for throttling and the session list.
    ``kiosk_id`` is set only by a capture that an enrolled kiosk signed."""

    ip: str
    device: str
    kiosk_id: str | None = None

    @property
    def key(self) -> str:
        # A signed kiosk is one device even behind a hall's NAT; else the address.
        return f"kiosk:{self.kiosk_id}" if self.kiosk_id else f"ip:{self.ip}"


def _pair(id_hash: str, client: Client) -> str:
    return f"{id_hash}:{client.key}"


async def throttle(state: AppState, client: Client) -> None:
    s = state.settings
    count, ttl = await limits.hit(state.kv, f"rl:login:ip:{client.ip}", s.ip_window_seconds)
    if count > s.ip_login_attempts:
        raise TooManyAttempts(ttl)


async def check_locks(state: AppState, id_hash: str, client: Client, route: str) -> None:
    """The pair's lock, then the identity's lock on this route."""
    for key, kind in ((f"lock:pair:{_pair(id_hash, client)}", "pair"),
                      (f"lock:id:{route}:{id_hash}", route)):
        ttl = await limits.lock_ttl(state.kv, key)
        if ttl:
            raise AccountLocked(ttl, message=_LOCKED_MESSAGES[kind])


async def failed(state: AppState, id_hash: str, client: Client, reason: str, *,
                 route: str, name_checked: bool) -> int:
    """Count a failure; lock at a limit. Returns the attempts left (the smaller
    of the pair's and, for a checked name, the identity's)."""
    s = state.settings
    pair = _pair(id_hash, client)
    count, _ = await limits.hit(state.kv, f"fail:pair:{pair}", s.failure_window_seconds)
    left = s.max_failed_attempts - count
    id_count = 0
    if name_checked:
        id_count, _ = await limits.hit(state.kv, f"fail:id:{route}:{id_hash}",
                                       s.failure_window_seconds)
        left = min(left, s.max_failed_attempts_per_identity - id_count)
    actor = f"id:{id_hash[:16]}"
    await audit.record("login.failed", actor=actor,
                       detail={"reason": reason, "route": route, "attempt": count,
                               "client": client.key})
    if name_checked and id_count >= s.max_failed_attempts_per_identity:
        await _lock(state, f"lock:id:{route}:{id_hash}", f"fail:id:{route}:{id_hash}", actor,
                    client, scope=route)
        raise AccountLocked(s.lockout_seconds, message=_LOCKED_MESSAGES[route])
    if count >= s.max_failed_attempts:
        await _lock(state, f"lock:pair:{pair}", f"fail:pair:{pair}", actor, client, scope="pair")
        raise AccountLocked(s.lockout_seconds, message=_LOCKED_MESSAGES["pair"])
    return max(left, 0)


async def _lock(state: AppState, lock_key: str, counter_key: str, actor: str, client: Client, *,
                scope: str) -> None:
    s = state.settings
    await limits.set_lock(state.kv, lock_key, s.lockout_seconds)
    await limits.clear(state.kv, counter_key)
    await audit.record("login.locked", actor=actor,
                       detail={"seconds": s.lockout_seconds, "scope": scope,
                               "client": client.key})


async def succeeded(state: AppState, id_hash: str, client: Client, route: str) -> None:
    await limits.clear(state.kv, f"fail:pair:{_pair(id_hash, client)}",
                       f"fail:id:{route}:{id_hash}")


def _sms_windows(state: AppState) -> list[tuple[int, int]]:
    s = state.settings
    return [(60, s.sms_per_minute), (3600, s.sms_per_hour), (86400, s.sms_per_day)]


async def sms_allowed(state: AppState, scope: str) -> int:
    """Take one SMS from ``scope``'s budget (all windows at once, atomically);
    0 when taken, else the seconds until the fullest window has room."""
    return await limits.take_budget(state.kv, f"sms:{scope}", _sms_windows(state))


@contextlib.asynccontextmanager
async def uniform_duration(state: AppState) -> AsyncIterator[None]:
    """Pad a login start to ``login_start_min_seconds`` on every way out."""
    started = time.monotonic()
    try:
        yield
    finally:
        left = state.settings.login_start_min_seconds - (time.monotonic() - started)
        if left > 0:
            await asyncio.sleep(left)
