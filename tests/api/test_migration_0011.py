"""Migrations platform 0011 and mock 0003 (issue 12) on a database holding rows of before.

Certificates issued as HOLDINGS of a selection are relabelled PARTIAL_HOLDINGS;
whole ones keep their kind; SQLite's table rebuild keeps the unique key that
makes a double tap issue once; old plaintext PDFs stay readable (the lazy path
of ``certificate_documents`` encrypts them, see tests/services); SMS numbers in
the mock outbox are masked.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from tortoise import Tortoise, connections
from tortoise.exceptions import IntegrityError
from tortoise.migrations.api.migrate import migrate

from api.cli.common import run_migrations
from api.infra.db import tortoise_config
from api.infra.settings import Settings
from tests.conftest import Leg, _forget_orm, _pg_admin


@pytest.fixture
async def old_db(leg: Leg, tmp_path: Path) -> AsyncIterator[Settings]:
    """A database migrated only up to platform 0009 / mock 0002."""
    values = leg.base.model_dump()
    name = None
    if leg.is_pg:
        assert leg.pg_dsn is not None
        name = f"fsreg_mig_{uuid.uuid4().hex[:10]}"
        for db in (name, f"{name}_mock"):
            await _pg_admin(f'CREATE DATABASE "{db}"')
        values["database_url"] = leg.pg_dsn.rsplit("/", 1)[0] + f"/{name}"
        values["mock_database_url"] = leg.pg_dsn.rsplit("/", 1)[0] + f"/{name}_mock"
    else:
        values["database_url"] = f"sqlite://{tmp_path / 'old.sqlite3'}"
        values["mock_database_url"] = f"sqlite://{tmp_path / 'old-mock.sqlite3'}"
    settings = Settings(**values)
    try:
        for app, target in (("platform", "platform.0009_ratings"),
                            ("mock", "mock.0002_holder_right_index")):
            await migrate(config=tortoise_config(settings), app_labels=[app], target=target)
            await Tortoise.close_connections()
        yield settings
    finally:
        await _forget_orm()
        for db in (name, f"{name}_mock") if name else ():
            await _pg_admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


async def _sql(settings: Settings, sql: str, *values: Any) -> list[dict[str, Any]]:
    # The mock providers' tables are in their own database, on their own connection.
    conn = connections.get("mock" if " mock_" in sql else "default")
    if settings.uses_postgres:
        for i in range(len(values)):
            sql = sql.replace("?", f"${i + 1}", 1)
    rows = await conn.execute_query_dict(sql, list(values))
    return [dict(r) for r in rows]


def _fingerprint(kind: str, purpose: str, ids: list[str] | None) -> str:
    return hashlib.sha256(json.dumps([kind, purpose, sorted(ids) if ids else None]).encode()
                          ).hexdigest()


async def _legacy_rows(settings: Settings) -> dict[str, str]:
    citizen = str(uuid.uuid4())
    await _sql(settings, "INSERT INTO citizen (id, id_number_hash, id_number_enc, name_enc, "
               "masked_name, masked_id_number, created_at) VALUES (?, ?, 'x', 'x', '陈**', "
               "'440***********9119', '2026-11-01 00:00:00+00:00')", citizen, "h" * 64)
    made = {}
    for label, fingerprint in (
            ("partial", _fingerprint("HOLDINGS", "LOAN", ["right-3"])),
            ("whole", _fingerprint("HOLDINGS", "SCHOOL_ENROLMENT", None)),
            ("none", _fingerprint("NO_HOLDINGS", "HOUSE_PURCHASE", None))):
        cid = str(uuid.uuid4())
        kind = "NO_HOLDINGS" if label == "none" else "HOLDINGS"
        facts = json.dumps({"kind": kind, "purpose": "LOAN", "holder": "陈**",
                            "properties": []}, ensure_ascii=False)
        pdf = f"%PDF-1.7 legacy {label}".encode()
        await _sql(settings, "INSERT INTO certificate (id, number, citizen_id, subject_hash, kind, "
                   "purpose, code_enc, code_mac, facts, qr_payload, pdf_sha256, issued_at, "
                   "valid_until, idempotency_key, request_fingerprint) VALUES (?, ?, ?, ?, ?, "
                   "'LOAN', 'x', 'x', ?, 'x', ?, '2026-11-01 00:00:00+00:00', "
                   "'2026-12-01 00:00:00+00:00', ?, ?)", cid, f"FSBDC{label}", citizen,
                   "s" * 64, kind, facts, hashlib.sha256(pdf).hexdigest(), f"key-{label}",
                   fingerprint)
        await _sql(settings, "INSERT INTO certificate_document (certificate_id, pdf) VALUES (?, ?)",
                   cid, pdf)
        made[label] = cid
    made["citizen"] = citizen
    await _sql(settings, "INSERT INTO mock_outbox (id, channel, recipient, template, body, "
               "idempotency_key, created_at) VALUES (?, 'SMS', '13925001101', 'LOGIN_CODE', "
               "'{\"code\": \"123456\"}', 'sms:old', '2026-11-01 00:00:00+00:00')",
               str(uuid.uuid4()))
    return made


async def test_old_rows_survive_and_partial_certificates_are_relabelled(old_db: Settings
                                                                        ) -> None:
    await Tortoise.init(config=tortoise_config(old_db))
    made = await _legacy_rows(old_db)
    await Tortoise.close_connections()

    await run_migrations(old_db)

    await Tortoise.init(config=tortoise_config(old_db))
    rows = {r["id"] if isinstance(r["id"], str) else str(r["id"]): r for r in await _sql(
        old_db, "SELECT id, kind, facts FROM certificate")}

    def kind_of(label: str) -> tuple[str, str]:
        row = rows[made[label]]
        facts = row["facts"] if isinstance(row["facts"], dict) else json.loads(row["facts"])
        return row["kind"], facts["kind"]

    assert kind_of("partial") == ("PARTIAL_HOLDINGS", "PARTIAL_HOLDINGS")
    assert kind_of("whole") == ("HOLDINGS", "HOLDINGS")
    assert kind_of("none") == ("NO_HOLDINGS", "NO_HOLDINGS")
    # The plaintext documents are still there (encrypted on first read or by the sweep).
    docs = await _sql(old_db, "SELECT pdf, pdf_enc FROM certificate_document")
    assert len(docs) == 3
    assert all(bytes(d["pdf"]).startswith(b"%PDF-") and d["pdf_enc"] is None for d in docs)
    # SQLite rebuilt the table to widen ``kind``: the double-tap key must still hold.
    with pytest.raises(IntegrityError):
        await _sql(old_db, "INSERT INTO certificate (id, number, citizen_id, subject_hash, kind, "
                   "purpose, code_enc, code_mac, facts, qr_payload, pdf_sha256, issued_at, "
                   "valid_until, idempotency_key, request_fingerprint) VALUES (?, 'FSBDCdup', ?, "
                   "'s', 'PARTIAL_HOLDINGS', 'LOAN', 'x', 'x', '{}', 'x', 'x', "
                   "'2026-11-01 00:00:00+00:00', '2026-12-01 00:00:00+00:00', 'key-partial', 'f')",
                   str(uuid.uuid4()), made["citizen"])
    [sms] = await _sql(old_db, "SELECT recipient, recipient_enc FROM mock_outbox")
    assert sms == {"recipient": "139****1101", "recipient_enc": None}
