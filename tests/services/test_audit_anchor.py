"""Issue 12 item 5: the audit chain is anchored outside its table.

Each attack below passed ``verify-audit`` before checkpoints existed (the chain
alone is internally consistent after a tail deletion, a full deletion, or a
rewrite that re-chains every later row); each is now reported, by kind.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import re
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from tortoise import connections

from api.infra.settings import ROOT, Settings
from api.models import AuditCheckpoint, AuditCheckpointOutbox, AuditEvent
from api.services import audit, audit_anchor
from mock_providers.archive import MockAuditArchive
from mock_providers.models import ArchiveDeposit
from mock_providers.seal import LocalSealProvider

T0 = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)


@pytest.fixture
def seal(settings: Settings) -> LocalSealProvider:
    return LocalSealProvider(settings.var_dir / "seal")


@pytest.fixture
def archive() -> MockAuditArchive:
    return MockAuditArchive()


def holding(seal: LocalSealProvider | None = None, archive: MockAuditArchive | None = None) -> Any:
    """A state holding only these providers: what the anchoring services read."""
    return SimpleNamespace(providers=SimpleNamespace(seal=seal, archive=archive))


_TRIGGERS = {
    "audit_event": ("audit_event_no_update", "audit_event_no_delete"),
    "audit_checkpoint": ("audit_checkpoint_no_update", "audit_checkpoint_no_delete"),
}
_SQLITE_TRIGGER = ("CREATE TRIGGER {name} BEFORE {op} ON {table} "
                   "BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")


@contextlib.asynccontextmanager
async def triggers_off(table: str, *, pg: bool) -> AsyncIterator[None]:
    """What a DBA (the tables' owner) could do: switch the append-only triggers off."""
    conn = connections.get("default")
    if pg:
        await conn.execute_script(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    else:
        for name in _TRIGGERS[table]:
            await conn.execute_script(f"DROP TRIGGER {name}")
    try:
        yield
    finally:
        if pg:
            await conn.execute_script(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        else:
            for name, op in zip(_TRIGGERS[table], ("UPDATE", "DELETE"), strict=True):
                await conn.execute_script(_SQLITE_TRIGGER.format(name=name, op=op, table=table))


async def _events(n: int) -> None:
    for i in range(n):
        await audit.record("test.action", actor="citizen:x", detail={"i": i})


async def _rechain_from(seq: int, *, pg: bool) -> None:
    """Rewrite row ``seq`` and recompute every later hash: a chain that verifies alone."""
    async with triggers_off("audit_event", pg=pg):
        rows = await AuditEvent.filter(seq__gte=seq).order_by("seq")
        prev = (await AuditEvent.get(seq=seq - 1)).hash if seq > 1 else audit.GENESIS
        for row in rows:
            if row.seq == seq:
                row.actor = "citizen:forged"
            row.prev_hash = prev
            row.hash = audit.chain_hash(row)
            await AuditEvent.filter(seq=row.seq).update(actor=row.actor, prev_hash=row.prev_hash,
                                                        hash=row.hash)
            prev = row.hash


class TestCheckpoints:
    async def test_checkpoint_is_signed_timestamped_and_linked(
            self, db: None, seal: LocalSealProvider) -> None:
        await _events(3)
        first = await audit_anchor.write_checkpoint(holding(seal), T0)
        assert first is not None
        assert (first.head_seq, first.prev_digest) == (3, audit_anchor.GENESIS)
        assert first.signed_at is not None
        verdict = await seal.validate_statement(first.statement.encode(),
                                                base64.b64decode(first.signature))
        assert verdict.ok, verdict
        assert await audit_anchor.write_checkpoint(holding(seal), T0) is None  # nothing new
        await _events(2)
        second = await audit_anchor.write_checkpoint(holding(seal), T0 + timedelta(minutes=5))
        assert second is not None
        assert (second.head_seq, second.prev_digest) == (5, first.digest)
        result = await audit.verify(holding(seal, MockAuditArchive()))
        assert (result.ok, result.checked, result.anchored_seq) == (True, 5, 5)

    async def test_statement_signature_detects_changed_bytes(
            self, db: None, seal: LocalSealProvider) -> None:
        await _events(1)
        row = await audit_anchor.write_checkpoint(holding(seal), T0)
        assert row is not None
        forged = row.statement.replace('"head_seq":1', '"head_seq":9').encode()
        verdict = await seal.validate_statement(forged, base64.b64decode(row.signature))
        assert verdict.reason_code == "TAMPERED"
        assert (await seal.validate_statement(b"x", b"junk")).reason_code == "MALFORMED"

    async def test_checkpoint_table_refuses_update_and_delete(
            self, db: None, seal: LocalSealProvider) -> None:
        await _events(1)
        await audit_anchor.write_checkpoint(holding(seal), T0)
        with pytest.raises(Exception, match="append-only"):
            await AuditCheckpoint.all().update(head_seq=0)
        with pytest.raises(Exception, match="append-only"):
            await AuditCheckpoint.all().delete()
        assert await AuditCheckpoint.filter(head_seq=1).count() == 1

    async def test_concurrent_writers_leave_one_checkpoint(
            self, db: None, seal: LocalSealProvider) -> None:
        await _events(3)
        made = await asyncio.gather(*[audit_anchor.write_checkpoint(holding(seal), T0)
                                      for _ in range(3)])
        assert sum(m is not None for m in made) == 1
        assert await AuditCheckpoint.all().count() == 1
        assert (await audit.verify(holding(seal))).ok

    async def test_periodic_job_anchors_when_due_and_delivers(
            self, db: None, seal: LocalSealProvider, archive: MockAuditArchive) -> None:
        both = holding(seal, archive)
        await _events(2)
        assert await audit_anchor.periodic(both, 300, T0) is not None
        await _events(1)
        assert await audit_anchor.periodic(both, 300, T0 + timedelta(seconds=60)) is None
        later = await audit_anchor.periodic(both, 300, T0 + timedelta(seconds=301))
        assert later is not None
        assert later.head_seq == 3
        assert [d.head_seq for d in await ArchiveDeposit.all().order_by("head_seq")] == [2, 3]
        assert await audit_anchor.periodic(both, 0, T0 + timedelta(days=1)) is None

    async def test_archive_delivery_is_retried(
            self, db: None, seal: LocalSealProvider, archive: MockAuditArchive) -> None:
        await _events(1)
        await audit_anchor.write_checkpoint(holding(seal), T0)
        archive.fail_next = 1
        store = holding(archive=archive)
        assert await audit_anchor.deliver_due(store, T0) == 0
        assert await audit_anchor.deliver_due(store, T0 + timedelta(seconds=5)) == 0  # backoff
        assert await audit_anchor.deliver_due(store, T0 + timedelta(minutes=5)) == 1
        assert await audit_anchor.deliver_due(store, T0 + timedelta(hours=1)) == 0
        out = await AuditCheckpointOutbox.get()
        assert (out.attempts, out.delivered_at is not None) == (2, True)


class TestAttacks:
    async def test_deleted_tail_is_reported(self, db: None, settings: Settings,
                                            seal: LocalSealProvider) -> None:
        await _events(5)
        await audit_anchor.write_checkpoint(holding(seal), T0)
        async with triggers_off("audit_event", pg=settings.uses_postgres):
            await AuditEvent.filter(seq__gte=4).delete()
        result = await audit.verify(holding(seal))
        assert (result.ok, result.kind, result.first_bad_seq) == (False, "TAIL_MISSING", 4)
        assert "rows 4..5" in (result.problem or "")

    async def test_deleting_everything_is_reported(self, db: None, settings: Settings,
                                                   seal: LocalSealProvider) -> None:
        await _events(4)
        await audit_anchor.write_checkpoint(holding(seal), T0)
        async with triggers_off("audit_event", pg=settings.uses_postgres):
            await AuditEvent.all().delete()
        result = await audit.verify(holding(seal))
        assert (result.ok, result.kind, result.checked) == (False, "ALL_DELETED", 0)

    async def test_rewrite_and_rechain_is_reported_with_its_range(
            self, db: None, settings: Settings, seal: LocalSealProvider) -> None:
        await _events(3)
        await audit_anchor.write_checkpoint(holding(seal), T0)
        await _events(3)
        await audit_anchor.write_checkpoint(holding(seal), T0 + timedelta(minutes=5))
        await _rechain_from(5, pg=settings.uses_postgres)
        assert (await audit.verify()).kind == "RECHAINED"  # the seal is not needed to see it...
        result = await audit.verify(holding(seal))  # ...and the checkpoint is genuine
        assert (result.ok, result.kind, result.first_bad_seq) == (False, "RECHAINED", 4)
        assert "rows 4..6" in (result.problem or "")

    async def test_forged_newest_checkpoint_is_refused(
            self, db: None, settings: Settings, seal: LocalSealProvider) -> None:
        """The app role may INSERT checkpoints: a forged one lacks the seal's signature."""
        await _events(3)
        real = await audit_anchor.write_checkpoint(holding(seal), T0)
        assert real is not None
        await _rechain_from(2, pg=settings.uses_postgres)
        tip = await AuditEvent.get(seq=3)
        statement = audit_anchor.statement_bytes(3, tip.hash, T0, real.digest).decode()
        await AuditCheckpoint.create(head_seq=3, head_hash=tip.hash, at=T0, statement=statement,
                                     digest=audit_anchor.digest_of(statement),
                                     prev_digest=real.digest, signature=real.signature)
        result = await audit.verify(holding(seal))
        assert (result.ok, result.kind) == (False, "CHECKPOINT_INVALID")

    async def test_removed_checkpoints_are_found_through_the_archive_copy(
            self, db: None, settings: Settings, seal: LocalSealProvider,
            archive: MockAuditArchive) -> None:
        await _events(3)
        await audit_anchor.periodic(holding(seal, archive), 300, T0)
        pg = settings.uses_postgres
        async with triggers_off("audit_event", pg=pg), triggers_off("audit_checkpoint", pg=pg):
            await AuditEvent.all().delete()
            await AuditCheckpoint.all().delete()
        assert (await audit.verify(holding(seal))).ok  # nothing left here to contradict...
        result = await audit.verify(holding(seal, archive))  # ...but the archive kept a copy
        assert (result.ok, result.kind) == (False, "CHECKPOINT_MISSING")

    async def test_removed_middle_checkpoint_breaks_the_list(
            self, db: None, settings: Settings, seal: LocalSealProvider) -> None:
        for minute in range(3):
            await _events(1)
            await audit_anchor.write_checkpoint(holding(seal), T0 + timedelta(minutes=minute))
        async with triggers_off("audit_checkpoint", pg=settings.uses_postgres):
            await AuditCheckpoint.filter(head_seq=2).delete()
        result = await audit.verify(holding(seal))
        assert (result.ok, result.kind) == (False, "CHECKPOINT_BROKEN")


async def _as_role(conn: Any, role: str, sql: str) -> None:
    async with conn._in_transaction() as tx:
        await tx.execute_script(f'SET LOCAL ROLE "{role}"')
        await tx.execute_script(sql)


@pytest.mark.pg
class TestPostgresOnly:
    @pytest.fixture(autouse=True)
    def _pg(self, settings: Settings) -> None:
        if not settings.uses_postgres:
            pytest.skip("TRUNCATE and roles are PostgreSQL's")

    @pytest.mark.parametrize("table", ["audit_event", "audit_checkpoint"])
    async def test_truncate_is_refused(self, db: None, seal: LocalSealProvider,
                                       table: str) -> None:
        await _events(2)
        await audit_anchor.write_checkpoint(holding(seal), T0)
        with pytest.raises(Exception, match="append-only"):
            await connections.get("default").execute_script(f"TRUNCATE {table} CASCADE")
        assert await AuditEvent.all().count() == 2
        assert await AuditCheckpoint.all().count() == 1

    async def test_documented_app_role_can_only_insert_into_the_audit_tables(
            self, db: None, settings: Settings, seal: LocalSealProvider) -> None:
        await _events(2)
        await audit_anchor.write_checkpoint(holding(seal), T0)
        conn = connections.get("default")
        role = f"fsreg_app_{uuid.uuid4().hex[:8]}"
        dbname = settings.database_url.rsplit("/", 1)[1]
        sql = (ROOT / "docs" / "postgres-roles.sql").read_text()
        sql = re.sub(r"^--.*$", "", sql, flags=re.M)
        sql = sql.replace(':"app_role"', f'"{role}"').replace(':"db"', f'"{dbname}"')
        await conn.execute_script(f'CREATE ROLE "{role}"')
        try:
            await conn.execute_script(sql)
            async with conn._in_transaction() as tx:
                await tx.execute_script(f'SET LOCAL ROLE "{role}"')
                await audit.record("test.as_app", actor="system", conn=tx)  # INSERT works
                await AuditEvent.filter(seq__gte=1).using_db(tx).count()  # SELECT works
            for attack in ("DELETE FROM audit_event", "UPDATE audit_checkpoint SET head_seq=0",
                           "TRUNCATE audit_event", "DELETE FROM audit_checkpoint",
                           "ALTER TABLE audit_event DISABLE TRIGGER USER",
                           "DROP TRIGGER audit_event_no_update ON audit_event"):
                with pytest.raises(Exception, match="permission denied|must be owner"):
                    await _as_role(conn, role, attack)
            assert await AuditEvent.all().count() == 3
        finally:
            await conn.execute_script(f'DROP OWNED BY "{role}"; DROP ROLE "{role}"')


class TestCli:
    def _env(self, settings: Settings) -> dict[str, str]:
        return {**os.environ, "DATABASE_URL": settings.database_url, "APP_ENV": "test",
                "FSREG_KEYS_DIR": str(settings.keys_dir), "FSREG_VAR_DIR": str(settings.var_dir)}

    def _run(self, settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "api", *args], cwd=ROOT,
                              env=self._env(settings), capture_output=True, text=True,
                              timeout=120, check=False)

    async def test_checkpoint_command_then_verify_reports_a_deleted_tail(
            self, db: None, settings: Settings) -> None:
        await _events(4)
        made = await asyncio.to_thread(self._run, settings, "audit-checkpoint")
        assert made.returncode == 0, made.stderr
        assert "row 4 anchored" in made.stdout
        ok = await asyncio.to_thread(self._run, settings, "verify-audit")
        assert (ok.returncode, "anchored up to row 4" in ok.stdout) == (0, True), ok.stdout
        async with triggers_off("audit_event", pg=settings.uses_postgres):
            await AuditEvent.filter(seq=4).delete()
        broken = await asyncio.to_thread(self._run, settings, "verify-audit")
        assert broken.returncode == 1, broken.stdout + broken.stderr
        assert "TAIL_MISSING" in broken.stdout
        assert "rows 4..4" in broken.stdout


def test_docs_sql_names_the_audit_tables() -> None:
    text = Path(ROOT / "docs" / "postgres-roles.sql").read_text()
    assert "audit_event, audit_checkpoint" in text
