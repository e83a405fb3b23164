"""Re-encryption with the PII key in use, and the blind-index rebuild.

Both are resumable and idempotent by construction, with no progress table:
- re-encryption selects only ciphertexts that do not name the key in use, so a
  second run continues where an interrupted one stopped, and a finished one
  finds nothing; each row is rewritten by a conditional UPDATE on its old
  value, so a value the app changed meanwhile is left alone (it is current);
- the rebuild recomputes each index from what the row keeps (or maps it through
  those recomputed values), so an already rebuilt row maps to itself.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from tortoise.models import Model

from api.infra.crypto import DecryptionError, PiiVault
from api.infra.keyjobs.columns import BlindIndexColumn, EncryptedColumn

log = logging.getLogger("api.infra.keyjobs")


class Interrupted(RuntimeError):
    """The job stopped before the end (a row limit); running it again resumes."""


@dataclass
class Progress:
    column: str
    rewritten: int = 0
    unreadable: int = 0  # a ciphertext no key of the ring opens: left, and counted
    unmapped: int = 0  # an index whose person no recomputable column knows


class _Budget:
    def __init__(self, limit: int | None, on_row: Callable[[], None] | None) -> None:
        self.left, self.on_row = limit, on_row

    def spend(self) -> None:
        if self.on_row is not None:
            self.on_row()
        if self.left is not None:
            self.left -= 1
            if self.left <= 0:
                raise Interrupted("row limit reached")


def _pk(model: type[Model]) -> str:
    return str(model._meta.pk_attr)


async def reencrypt_pii(vault: PiiVault, columns: list[EncryptedColumn], *, batch: int = 500,
                        limit: int | None = None, on_row: Callable[[], None] | None = None
                        ) -> list[Progress]:
    target = vault.current_kid
    budget, report = _Budget(limit, on_row), []
    for col in columns:
        progress, pk, last = Progress(f"{col.model._meta.db_table}.{col.field}"), _pk(col.model), None
        report.append(progress)
        while True:
            query = col.model.filter(**{f"{col.field}__isnull": False}).exclude(
                **{f"{col.field}__startswith": f"v1:{target}:"})
            if last is not None:
                query = query.filter(**{f"{pk}__gt": last})
            rows = await query.order_by(pk).limit(batch).values_list(pk, col.field)
            if not rows:
                break
            for row_pk, old in rows:
                aad = {"table": col.table, "column": col.column, "row": str(row_pk)}
                try:
                    plain = vault.decrypt_bytes(old, **aad)
                except DecryptionError:
                    progress.unreadable += 1
                    continue
                changed = await col.model.filter(**{pk: row_pk, col.field: old}).update(
                    **{col.field: vault.encrypt(plain, **aad)})
                progress.rewritten += changed
                budget.spend()
            last = rows[-1][0]
        log.info("re-encrypted %s: %s", progress.column, progress)
    return report


async def _objects(model: type[Model], batch: int) -> AsyncIterator[Any]:
    pk, last = _pk(model), None
    while True:
        query = model.all() if last is None else model.filter(**{f"{pk}__gt": last})
        rows = await query.order_by(pk).limit(batch)
        if not rows:
            return
        for row in rows:
            yield row
        last = rows[-1].pk


async def _values(model: type[Model], field: str, batch: int
                  ) -> AsyncIterator[tuple[Any, Any]]:
    pk, last = _pk(model), None
    while True:
        query = model.all() if last is None else model.filter(**{f"{pk}__gt": last})
        rows = await query.order_by(pk).limit(batch).values_list(pk, field)
        if not rows:
            return
        for row_pk, value in rows:
            yield row_pk, value
        last = rows[-1][0]


async def rebuild_blind_indexes(vault: PiiVault, columns: list[BlindIndexColumn], new_kid: str,
                                *, batch: int = 500, limit: int | None = None,
                                on_row: Callable[[], None] | None = None) -> list[Progress]:
    """Every index rewritten with ``new_kid``; the key in use stays readable for
    the mapping until the ring promotes ``new_kid`` (the caller does, at the end)."""
    budget, report = _Budget(limit, on_row), []
    mapping: dict[str, dict[str, str]] = {}
    for col in (c for c in columns if c.plaintext is not None):
        progress, pk = Progress(f"{col.model._meta.db_table}.{col.field}"), _pk(col.model)
        report.append(progress)
        table = mapping.setdefault(col.purpose, {})
        async for row in _objects(col.model, batch):
            assert col.plaintext is not None
            try:
                plain = col.plaintext(row, vault)
            except DecryptionError:
                progress.unreadable += 1
                continue
            old, new = vault.blind_index(plain, purpose=col.purpose), vault.blind_index(
                plain, purpose=col.purpose, kid=new_kid)
            table[old] = new
            if getattr(row, col.field) != new:
                progress.rewritten += await col.model.filter(
                    **{pk: row.pk, col.field: getattr(row, col.field)}).update(**{col.field: new})
                budget.spend()
    for col in (c for c in columns if c.plaintext is None):
        progress, pk = Progress(f"{col.model._meta.db_table}.{col.field}"), _pk(col.model)
        report.append(progress)
        table = mapping.get(col.purpose, {})
        rebuilt = set(table.values())
        async for row_pk, value in _values(col.model, col.field, batch):
            values = list(value or []) if col.many else [value]
            fresh = [table.get(v, v) for v in values]
            progress.unmapped += sum(1 for v in values if v not in table and v not in rebuilt)
            if fresh != values:
                await col.model.filter(**{pk: row_pk}).update(
                    **{col.field: fresh if col.many else fresh[0]})
                progress.rewritten += 1
                budget.spend()
    for p in report:
        log.info("blind index rebuilt %s: %s", p.column, p)
    return report
