"""Writing the mock register: the small demo set and the large benchmark set.

Rows come from ``mock_providers.datagen`` (pure, deterministic) and are
encrypted by the providers' own ``build_record`` / ``build_holder``, so seeded
rows are indistinguishable from ones the providers write. Tortoise must be
initialised and migrated by the caller.

On PostgreSQL over asyncpg the large set goes in with COPY, elsewhere with
``bulk_create``; both insert the same model instances. COPY takes 200,000
holders from 79 s to 65 s here: generating and encrypting in Python is most of
the time, and it overlaps with the database writing the previous chunk.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.models import Model

from api.providers.vault import PersonalDataVault
from mock_providers import storage
from mock_providers.banks import MockBankConfirmations
from mock_providers.civil import MockCivilAffairs
from mock_providers.contracts import MockContractFilings
from mock_providers.datagen import GROUP, Block, Chunk, iter_chunks, person_id
from mock_providers.datagen import demo_records as records
from mock_providers.datagen.demo import DemoCitizen, demo_citizens, demo_properties
from mock_providers.department_models import ContractPartyRow, FiledContractRow
from mock_providers.identity import MockIdentityProvider
from mock_providers.models import (
    IdentityRecord,
    RegisterEncumbrance,
    RegisterHolder,
    RegisterRight,
    RegisterUnit,
)
from mock_providers.registry import MockRegistryProvider

__all__ = ["DemoCitizen", "SeedConflict", "SeedReport", "demo_citizens", "seed_demo",
           "seed_large"]

BATCH_SIZE = 1000

Rows = list[tuple[type[Model], list[Model]]]


class SeedConflict(RuntimeError):
    """The database holds a different mock data set (another seed or size)."""


@dataclass(frozen=True)
class SeedReport:
    persons: int
    units: int
    rights: int
    holders: int
    encumbrances: int
    seconds: float
    skipped_persons: int = 0  # already present from an earlier run
    contracts: int = 0  # filed sale contracts (住建)


# -- rows --------------------------------------------------------------------
def build_rows(vault: PersonalDataVault, blocks: Sequence[Block]) -> Rows:
    """Encrypted, unsaved model instances of ``blocks``, in foreign-key order."""
    identity, registry = MockIdentityProvider(vault), MockRegistryProvider(vault)
    persons: list[Model] = [
        identity.build_record(name=p.name, id_number=p.id_number, gender=p.gender,
                              phone=p.phone, row_id=p.id)
        for b in blocks for p in b.persons]
    holders: list[Model] = [
        registry.build_holder(right_id=h.right_id, name=h.name, id_number=h.id_number,
                              share_percent=h.share_percent, row_id=h.id)
        for b in blocks for h in b.holders]
    contracts, parties = MockContractFilings(vault).build_rows(
        c for b in blocks for c in b.contracts)
    # The specs mirror the models field for field: vars() is the constructor's kwargs.
    return [
        (IdentityRecord, persons),
        (RegisterUnit, [RegisterUnit(**vars(u)) for b in blocks for u in b.units]),
        (RegisterRight, [RegisterRight(**vars(r)) for b in blocks for r in b.rights]),
        (RegisterHolder, holders),
        (RegisterEncumbrance, [RegisterEncumbrance(**vars(e))
                               for b in blocks for e in b.encumbrances]),
        (FiledContractRow, list(contracts)),
        (ContractPartyRow, list(parties)),
    ]


def _uses_copy(conn: BaseDBAsyncClient) -> bool:
    return type(conn).__module__.startswith("tortoise.backends.asyncpg")


async def _copy(conn: BaseDBAsyncClient, model: type[Model], objs: list[Model]) -> None:
    import asyncpg  # only on the asyncpg path

    meta = model._meta
    names = list(meta.fields_db_projection)
    now = datetime.now(UTC)
    # COPY bypasses tortoise, so do what its INSERT would: fill auto_now_add.
    stamped = {n for n in names if getattr(meta.fields_map.get(n), "auto_now_add", False)}
    records = [tuple(now if n in stamped and getattr(o, n) is None else getattr(o, n)
                     for n in names) for o in objs]
    try:
        async with conn.acquire_connection() as raw:
            await raw.copy_records_to_table(
                meta.db_table, records=records,
                columns=[meta.fields_db_projection[n] for n in names])
    except asyncpg.UniqueViolationError as exc:
        raise IntegrityError(str(exc)) from exc


async def write_rows(conn: BaseDBAsyncClient, rows: Rows) -> None:
    for model, objs in rows:
        if not objs:
            continue
        if _uses_copy(conn):
            await _copy(conn, model, objs)
        else:
            await model.bulk_create(objs, batch_size=BATCH_SIZE, using_db=conn)


# -- the large set -------------------------------------------------------------
async def _all_present(holders: int, seed: int) -> bool:
    """Blocks are written in order, so when the last one is there, all are:
    a repeated run then costs one query instead of regenerating everything.
    A set written before filed contracts existed lacks block 0's contracts:
    then the full pass runs and adds the contracts of the blocks present."""
    if holders <= 0:
        return True
    last_block = (holders - 1) // GROUP * GROUP
    ids = {person_id(last_block, seed), person_id(holders - 1, seed)}
    if await IdentityRecord.filter(id__in=list(ids)).count() != len(ids):
        return False
    first = next(iter_chunks(min(holders, GROUP), seed=seed)).blocks[0].contracts
    return not first or await FiledContractRow.exists(filing_no=first[0].filing_no)


async def _present(blocks: Sequence[Block]) -> list[bool]:
    """Which blocks are already in the database. A block is written in one
    transaction, so its first and last person tell whether it is there."""
    ends = [(b.persons[0].id, b.persons[-1].id) for b in blocks]
    found = await IdentityRecord.filter(id__in=[i for pair in ends for i in pair]).values_list(
        "id", flat=True)
    present = {str(i) for i in found}
    result = []
    for block, (first, last) in zip(blocks, ends, strict=True):
        there = (str(first) in present, str(last) in present)
        if there[0] != there[1]:
            raise SeedConflict(f"persons {block.persons[0].index}..{block.persons[-1].index} are "
                               "partly present: the mock tables hold a data set of another "
                               "size; reset them first")
        result.append(there[0])
    return result


def _prepare(chunks: Iterator[Chunk], vault: PersonalDataVault) -> list[tuple[Block, Rows]] | None:
    """The next chunk's blocks with their encrypted rows (runs in a worker thread)."""
    chunk = next(chunks, None)
    return None if chunk is None else [(b, build_rows(vault, [b])) for b in chunk.blocks]


def _merge(parts: list[Rows]) -> Rows:
    return [(model, [o for part in parts for o in part[n][1]])
            for n, (model, _) in enumerate(parts[0])] if parts else []


_KEYS: dict[type[Model], str] = {IdentityRecord: "persons", RegisterUnit: "units",
                                  RegisterRight: "rights", RegisterHolder: "holders",
                                  RegisterEncumbrance: "encumbrances",
                                  FiledContractRow: "contracts"}


async def seed_large(vault: PersonalDataVault, holders: int, *, seed: int = 2024,
                     progress: Callable[[int], None] | None = None,
                     chunk: int = 5000) -> SeedReport:
    """Write the generated data set of ``holders`` persons; resumable.

    Blocks already present (same seed, an earlier or interrupted run) are
    skipped; a data set of another seed or size raises SeedConflict instead of
    a unique violation halfway through."""
    started = time.perf_counter()
    counts = dict.fromkeys(_KEYS.values(), 0)
    if await _all_present(holders, seed):
        return SeedReport(**counts, seconds=round(time.perf_counter() - started, 2),
                          skipped_persons=holders)
    skipped = done = 0
    chunks = iter_chunks(holders, seed=seed, chunk=chunk)
    # Generating and encrypting the next chunk (Python's CPU, in a thread)
    # overlaps with the database writing this one (mostly the server's CPU).
    upcoming = asyncio.ensure_future(asyncio.to_thread(_prepare, chunks, vault))
    try:
        while (prepared := await upcoming) is not None:
            upcoming = asyncio.ensure_future(asyncio.to_thread(_prepare, chunks, vault))
            present = await _present([block for block, _ in prepared])
            rows = _merge([r for (_, r), there in zip(prepared, present, strict=True)
                           if not there])
            await _write_chunk(rows)
            counts["contracts"] += await MockContractFilings(vault).file(
                c for (b, _), there in zip(prepared, present, strict=True) if there
                for c in b.contracts)
            for model, objs in rows:
                if model in _KEYS:
                    counts[_KEYS[model]] += len(objs)
            skipped += sum(len(b.persons) for (b, _), there in zip(prepared, present, strict=True)
                           if there)
            done += sum(len(block.persons) for block, _ in prepared)
            if progress is not None:
                progress(done)
    finally:
        upcoming.cancel()  # on an error: drop the chunk being prepared
    await _analyze()
    return SeedReport(**counts, seconds=round(time.perf_counter() - started, 2),
                      skipped_persons=skipped)


async def _analyze() -> None:
    """Fresh statistics after a bulk load: without them PostgreSQL plans the
    holder lookups for an empty table (seen: 1,731 rows estimated, 20 real)."""
    conn = storage.connection()
    if _uses_copy(conn):
        await conn.execute_script("ANALYZE")


async def _write_chunk(rows: Rows) -> None:
    if not any(objs for _, objs in rows):
        return
    try:
        async with storage.transaction() as tx:
            if _uses_copy(tx):
                # Seed data can be regenerated: skip waiting for the WAL flush.
                await tx.execute_script("SET LOCAL synchronous_commit = off")
            await write_rows(tx, rows)
    except IntegrityError as exc:
        raise SeedConflict("the mock tables hold another data set (different seed?): "
                           f"reset them first ({exc})") from exc


# -- the demo set ----------------------------------------------------------------
async def _ensure_person(identity: MockIdentityProvider, vault: PersonalDataVault, c: DemoCitizen,
                         photo: bytes | None) -> None:
    """Register the citizen unless already registered exactly so (no rewrite)."""
    row = await IdentityRecord.get_or_none(id_number_hash=vault.blind_index(c.id_number))
    if row is not None:
        person = await identity.verify(c.name, c.id_number)
        digest = hashlib.sha256(photo).hexdigest() if photo else None
        if person is not None and person.phone == c.phone and row.gender == c.gender \
                and row.photo_sha256 == digest:
            return
    await identity.register(name=c.name, id_number=c.id_number, gender=c.gender,
                            phone=c.phone, photo=photo)


async def seed_demo(vault: PersonalDataVault, faces_dir: Path) -> list[DemoCitizen]:
    """Create the demo citizens and their properties; running it again changes nothing.
    (The halls are the platform's own data: ``api.services.appointments.halls``.)"""
    citizens = demo_citizens()
    identity = MockIdentityProvider(vault)
    for c in citizens:
        photo = (faces_dir / c.photo).read_bytes() if c.photo else None
        await _ensure_person(identity, vault, c, photo)
    for block in demo_properties():
        if await RegisterUnit.exists(unit_no=block.units[0].unit_no):
            continue
        async with storage.transaction() as tx:
            await write_rows(tx, build_rows(vault, [block]))
    await _seed_demo_records(vault, identity)
    return citizens


async def _seed_demo_records(vault: PersonalDataVault, identity: MockIdentityProvider) -> None:
    """The other departments' records of the demo citizens (datagen/demo_records.py);
    each write is skipped when already there, so a rerun changes nothing."""
    await MockContractFilings(vault).file(records.demo_contracts())
    civil, banks = MockCivilAffairs(vault), MockBankConfirmations()
    for a, b, married_on in records.demo_marriages():
        await civil.register_marriage(a, b, married_on)
    for r in records.demo_repayments():
        await banks.confirm(proof_no=r.proof_no, bank=r.bank, repaid_on=r.repaid_on,
                            confirmed_at=r.confirmed_at, document_no=r.document_no)
    for p in records.demo_particulars():
        await identity.history.set_particulars(p.id_number, hukou_address=p.hukou_address,
                                               former_names=list(p.former_names))
        for number, changed_on, reason in p.former_id_numbers:
            await identity.history.add_former_id_number(p.id_number, number,
                                                        changed_on=changed_on, reason=reason)


# -- one person by hand ------------------------------------------------------------
async def add_citizen(vault: PersonalDataVault, *, name: str, id_number: str, phone: str | None,
                      photo: bytes | None, properties: int) -> int:
    """Register a person (upsert) and give them ``properties`` new sole-owned units.

    Each call adds new units; the register is visible at once to a server on
    the same database (no cache sits in front of the mock tables).
    """
    from api.providers.idnumber import normalize
    from mock_providers.datagen.adhoc import properties_for

    number = normalize(id_number)
    gender = "M" if int(number[16]) % 2 else "F"
    await MockIdentityProvider(vault).register(name=name, id_number=number, gender=gender,
                                               phone=phone, photo=photo)
    if properties <= 0:
        return 0
    existing = await RegisterHolder.filter(holder_hash=vault.blind_index(number)).count()
    for salt in range(existing, existing + 20):
        try:
            async with storage.transaction() as tx:
                await write_rows(tx, build_rows(vault, [properties_for(
                    name, number, properties, salt=salt)]))
            return properties
        except IntegrityError:
            continue  # a register number was taken: draw another set
    raise SeedConflict("could not allocate register numbers for the new properties")
