"""RELIABILITY R4 item 23: the audit trail is append-only and hash-chained."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import pytest
from tortoise import Tortoise, connections

from api.infra.settings import ROOT, Settings
from api.models import AuditEvent
from api.services import audit


async def _raw(sql: str, *, pg: bool) -> None:
    conn = connections.get("default")
    await conn.execute_script(sql)


async def _tamper(sql: str, *, pg: bool) -> None:
    """What a DBA with direct access could do: bypass the append-only trigger."""
    if pg:
        await _raw("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update;"
                   f"{sql};ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_update", pg=pg)
    else:
        await _raw("DROP TRIGGER audit_event_no_update", pg=pg)
        await _raw("DROP TRIGGER audit_event_no_delete", pg=pg)
        await _raw(sql, pg=pg)


class TestChain:
    async def test_records_link_and_verify(self, db: None) -> None:
        for i in range(3):
            await audit.record("test.action", actor="citizen:x", subject=f"s{i}",
                               detail={"n": i, "name": "张*"})
        rows = await AuditEvent.all().order_by("seq")
        assert [r.seq for r in rows] == [1, 2, 3]
        assert rows[0].prev_hash == audit.GENESIS
        assert rows[1].prev_hash == rows[0].hash
        assert await audit.verify() == audit.VerifyResult(True, 3)

    async def test_update_and_delete_refused_by_database(self, db: None) -> None:
        await audit.record("test.action", actor="system")
        # asyncpg's RaiseError is not translated by tortoise; the message is the contract.
        with pytest.raises(Exception, match="append-only"):
            await AuditEvent.filter(seq=1).update(actor="someone-else")
        with pytest.raises(Exception, match="append-only"):
            await AuditEvent.filter(seq=1).delete()
        assert (await AuditEvent.get(seq=1)).actor == "system"

    async def test_200_concurrent_actions_give_one_linear_chain(self, db: None) -> None:
        await asyncio.gather(*[audit.record("test.concurrent", actor=f"citizen:{i}")
                               for i in range(200)])
        rows = await AuditEvent.all().order_by("seq")
        assert [r.seq for r in rows] == list(range(1, 201))
        assert {r.actor for r in rows} == {f"citizen:{i}" for i in range(200)}
        result = await audit.verify()
        assert result.ok, result


class TestTamperDetection:
    async def test_modified_row_is_named(self, db: None, settings: Settings) -> None:
        for i in range(5):
            await audit.record("test.action", actor="citizen:x", detail={"i": i})
        await _tamper("UPDATE audit_event SET actor='citizen:y' WHERE seq=3",
                      pg=settings.uses_postgres)
        result = await audit.verify()
        assert (result.ok, result.first_bad_seq) == (False, 3)
        assert "modified" in (result.problem or "")

    async def test_deleted_row_is_named(self, db: None, settings: Settings) -> None:
        for i in range(5):
            await audit.record("test.action", actor="citizen:x", detail={"i": i})
        await _tamper("DELETE FROM audit_event WHERE seq=2", pg=settings.uses_postgres)
        result = await audit.verify()
        assert (result.ok, result.first_bad_seq) == (False, 2)

    async def test_rehashed_row_breaks_the_next_link(self, db: None, settings: Settings) -> None:
        for i in range(4):
            await audit.record("test.action", actor="citizen:x", detail={"i": i})
        row = await AuditEvent.get(seq=2)
        row.actor = "citizen:forged"
        forged = audit.chain_hash(row)
        await _tamper(f"UPDATE audit_event SET actor='citizen:forged', hash='{forged}' "
                      "WHERE seq=2", pg=settings.uses_postgres)
        result = await audit.verify()
        assert (result.ok, result.first_bad_seq) == (False, 3)

    async def test_cli_names_the_tampered_row(self, db: None, settings: Settings) -> None:
        for i in range(3):
            await audit.record("test.action", actor="citizen:x", detail={"i": i})
        await _tamper("UPDATE audit_event SET detail='{\"i\": 9}' WHERE seq=2",
                      pg=settings.uses_postgres)
        await Tortoise.close_connections()
        env = {**os.environ, "DATABASE_URL": settings.database_url, "APP_ENV": "test",
               "FSREG_KEYS_DIR": str(settings.keys_dir), "FSREG_VAR_DIR": str(settings.var_dir)}
        proc = await asyncio.to_thread(
            subprocess.run, [sys.executable, "-m", "api", "verify-audit"], cwd=ROOT, env=env,
            capture_output=True, text=True, timeout=60)
        assert proc.returncode == 1, proc.stderr
        assert "row 2" in proc.stdout
