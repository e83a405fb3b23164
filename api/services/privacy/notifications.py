"""Telling citizens what happened to their properties and their data.

Owns:
- turning register events (new mortgage, seizure, transfer, pre-registration,
  objection, and their release) into notifications for every holder
  concerned, exactly once per (event, holder) whatever the number of workers
  running the sync (unique constraint + idempotent inserts);
- an SMS for the serious ones to holders who use the platform, idempotent on
  (event, holder), so a retried sync never texts twice;
- a notification when someone other than the citizen read their data.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from api.infra.state import AppState
from api.models import Certificate, Citizen, Cursor, DataAccess, Notification
from api.providers.registry import RegisterEventRecord
from api.services import paging
from api.services.session import citizens

log = logging.getLogger("api.notifications")
SHANGHAI = ZoneInfo("Asia/Shanghai")
REGISTER_CURSOR = "register_events"

# kind -> (severity, title, body template)
_TEXTS = {
    "MORTGAGE": ("SERIOUS", "新增抵押登记", "您名下位于{address}的不动产新增抵押权登记（抵押权人：{party}）。"
                 "如非本人办理，请立即联系不动产登记中心（12345）。"),
    "SEIZURE": ("SERIOUS", "不动产被查封", "您名下位于{address}的不动产已被{party}查封。"
                "如有疑问，请联系查封机关。"),
    "PRE_REGISTRATION": ("SERIOUS", "新增预告登记", "您名下位于{address}的不动产新增预告登记。"
                         "如非本人办理，请立即联系不动产登记中心。"),
    "OBJECTION": ("SERIOUS", "新增异议登记", "有人对您名下位于{address}的不动产提出异议登记。"),
    "TRANSFER": ("SERIOUS", "不动产转移登记", "位于{address}的不动产已办理转移登记，新证书号：{title_no}。"
                 "如非本人办理，请立即联系不动产登记中心。"),
    "MORTGAGE_RELEASE": ("INFO", "抵押登记已注销", "您名下位于{address}的不动产抵押登记已注销。"),
    "SEIZURE_RELEASE": ("INFO", "查封已解除", "您名下位于{address}的不动产查封已解除。"),
    "PRE_REGISTRATION_RELEASE": ("INFO", "预告登记已注销", "位于{address}的不动产预告登记已注销。"),
    "OBJECTION_RELEASE": ("INFO", "异议登记已注销", "位于{address}的不动产异议登记已注销。"),
    # Written by 登簿 (RegistryProvider.register), one event per operation.
    "MORTGAGE_CARRY_OVER": ("INFO", "抵押权随房转移", "位于{address}的不动产已办理带押过户，"
                            "抵押权（抵押权人：{party}）继续有效。"),
    "HOLDER_CHANGE": ("SERIOUS", "不动产变更登记", "您名下位于{address}的不动产已办理变更登记，"
                      "新证书号：{title_no}，原证书作废。如非本人办理，请立即联系不动产登记中心。"),
    "CORRECTION": ("INFO", "不动产更正登记", "位于{address}的不动产登记事项已更正。"),
    "TITLE_REPLACEMENT": ("SERIOUS", "不动产权证书补换", "位于{address}的不动产已补发/换发证书，"
                          "新证书号：{title_no}，原证书作废。如非本人办理，请立即联系不动产登记中心。"),
}


def _text(event: RegisterEventRecord) -> tuple[str, str, str]:
    severity, title, body = _TEXTS.get(event.kind, ("INFO", "登记信息变更",
                                                    "位于{address}的不动产登记信息有变更。"))
    values = {"address": event.address, "party": event.detail.get("party", ""),
              "title_no": event.detail.get("title_no", "")}
    return severity, title, body.format(**values)


async def sync_register_events(state: AppState, *, batch: int = 500) -> int:
    """Read new register events and notify the holders concerned. Safe to run
    concurrently and repeatedly; returns the number of events read."""
    cursor, _ = await Cursor.get_or_create(name=REGISTER_CURSOR)
    events = await state.providers.registry.events_since(cursor.position, batch)
    if not events:
        return 0
    rows = []
    for event in events:
        severity, title, body = _text(event)
        for holder in dict.fromkeys(event.holder_hashes):
            rows.append(Notification(id=uuid.uuid4(), subject_hash=holder,
                                     source=f"register:{event.seq}", kind=event.kind,
                                     severity=severity, title=title, body=body,
                                     unit_no=event.unit_no, at=event.at))
    await Notification.bulk_create(rows, ignore_conflicts=True)
    await _supersede_certificates(events)
    await _text_serious(state, events)
    # Only moves forward: a slower worker that read the same batch changes nothing.
    await Cursor.filter(name=REGISTER_CURSOR, position__lt=events[-1].seq).update(
        position=events[-1].seq)
    return len(events)


async def pending_register_events(state: AppState, *, batch: int = 500
                                  ) -> list[RegisterEventRecord]:
    """Register events the sync has not read yet (reads only: a read path may show
    their effect before the register-events job records it)."""
    cursor = await Cursor.get_or_none(name=REGISTER_CURSOR)
    return await state.providers.registry.events_since(cursor.position if cursor else 0, batch)


def superseding(events: list[RegisterEventRecord], subject_hash: str,
                issued_at: datetime) -> datetime | None:
    """When the first of ``events`` changed the register for a certificate issued to
    ``subject_hash`` at ``issued_at`` (the rule ``_supersede_certificates`` records)."""
    return next((e.at for e in events if subject_hash in e.holder_hashes and e.at > issued_at),
                None)


async def _supersede_certificates(events: list[RegisterEventRecord]) -> None:
    """A certificate was true as of its time; once the register changes for its
    holder it is no longer current (status SUPERSEDED). Idempotent."""
    for event in events:
        await Certificate.filter(subject_hash__in=list(event.holder_hashes), superseded_at=None,
                                 revoked_at=None, issued_at__lt=event.at).update(
            superseded_at=event.at)


async def _text_serious(state: AppState, events: list[RegisterEventRecord]) -> None:
    serious = [e for e in events if _text(e)[0] == "SERIOUS"]
    hashes = {h for e in serious for h in e.holder_hashes}
    if not hashes:
        return
    users = {c.id_number_hash: c for c in await Citizen.filter(id_number_hash__in=hashes)}
    for event in serious:
        for holder in event.holder_hashes:
            citizen = users.get(holder)
            if citizen is None:
                continue
            person = await state.providers.identity.verify(
                citizens.name_of(state, citizen), citizens.id_number_of(state, citizen))
            if person is None or not person.phone:
                continue
            _, title, _ = _text(event)
            await state.providers.sms.send(person.phone, "REGISTER_EVENT",
                                           {"title": title, "unit": event.unit_no[-8:]},
                                           idempotency_key=f"register:{event.seq}:{holder[:16]}")


async def notify_access(subject_hash: str, access: DataAccess) -> None:
    """One notification per read by staff or a third party; verifications of a
    certificate (a school may check it many times) at most once per
    certificate per day. Every read stays in the access log either way."""
    local = access.at.astimezone(SHANGHAI)
    source = (f"verify:{access.scope}:{local:%Y%m%d}"[:48] if access.accessor_kind == "VERIFIER"
              else f"access:{access.id}")
    await Notification.bulk_create([Notification(
        id=uuid.uuid4(), subject_hash=subject_hash, source=source,
        kind="DATA_ACCESSED", severity="INFO", title="您的不动产信息被查询",
        body=f"{access.accessor_name}于{local:%Y-%m-%d %H:%M}查询了您的不动产登记信息，用途：{access.purpose}。",
        unit_no=None, at=access.at)], ignore_conflicts=True)


async def my_notifications(subject_hash: str, *, first: int, after: str | None,
                           unread_only: bool) -> paging.Page[Notification]:
    query = Notification.filter(subject_hash=subject_hash)
    if unread_only:
        query = query.filter(read_at=None)
    return await paging.keyset(query, first=first, after=after)


async def unread_count(subject_hash: str) -> int:
    return await Notification.filter(subject_hash=subject_hash, read_at=None).count()


async def mark_all_read(subject_hash: str, up_to: datetime | None = None) -> int:
    """Every unread notification of the citizen (dated ``up_to`` or earlier,
    when given: a seizure that arrives after the list was shown stays
    unread); one statement, so a second press (or a retry) returns 0."""
    query = Notification.filter(subject_hash=subject_hash, read_at=None)
    if up_to is not None:
        query = query.filter(at__lte=up_to)
    return await query.update(read_at=datetime.now(UTC))


async def mark_read(subject_hash: str, ids: list[uuid.UUID]) -> int:
    """Only the citizen's own notifications; others' ids are silently ignored."""
    return await Notification.filter(subject_hash=subject_hash, id__in=ids, read_at=None).update(
        read_at=datetime.now(UTC))
