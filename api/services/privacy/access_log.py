"""Who looked at a citizen's data (RELIABILITY R4; issue 4 "who looked at my data").

Owns: the one way a read of register data is recorded (``record_access``), in
the access log the citizen sees and in the hash-chained audit trail, and the
notification a citizen gets when someone other than themselves looked.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from api.infra.logging import current_request_id
from api.models import DataAccess
from api.services import audit, paging
from api.services.privacy import notifications

SELF = "SELF"


@dataclass(frozen=True)
class Accessor:
    kind: str  # SELF | STAFF | THIRD_PARTY | VERIFIER
    name: str  # shown to the citizen: "本人", "禅城区不动产登记中心 3号窗口", "佛山市第一中学"
    actor: str  # audit actor id, e.g. "citizen:<uuid>", "client:<id>"
    channel: str


async def record_access(subject_hash: str, accessor: Accessor, *, purpose: str,
                        scope: str) -> DataAccess:
    row = await DataAccess.create(
        id=uuid.uuid4(), subject_hash=subject_hash, accessor_kind=accessor.kind,
        accessor_name=accessor.name, channel=accessor.channel, purpose=purpose, scope=scope,
        at=datetime.now(UTC), request_id=current_request_id())
    await audit.record("register.read", actor=accessor.actor, subject=f"id:{subject_hash[:16]}",
                       detail={"scope": scope, "purpose": purpose, "kind": accessor.kind})
    if accessor.kind != SELF:
        await notifications.notify_access(subject_hash, row)
    return row


async def access_log(subject_hash: str, *, first: int, after: str | None
                     ) -> paging.Page[DataAccess]:
    """Newest first; keyset pagination on (at, id), stable while rows are added."""
    return await paging.keyset(DataAccess.filter(subject_hash=subject_hash), first=first,
                               after=after)
