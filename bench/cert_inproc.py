"""In-process helpers of the certificate benchmarks (issue 5).

Run as ``python -c <this file's source> SPEC_JSON`` with the app's environment
and the app's source as the current directory (``BenchEnv.run_python``), so
``api`` imports from a ``--at`` export and uses the bench database, key ring
and var dir (the seal's test PKI lives under ``$FSREG_VAR_DIR/seal``, shared
with the server). Prints one JSON document.

SPEC ``{"mode": "token"}``
    An L2 (face-level) access token for the demo citizen 陈志强 (3 properties),
    minted the way a face login opens a session (``ensure_citizen`` +
    ``open_session``, channel FOSHANTONG).

SPEC ``{"mode": "issue"}``
    ``mode: token``, plus one HOLDINGS / SCHOOL_ENROLMENT certificate issued
    in-process through ``certificates.issue`` (number and verification code).
    Also creates the seal's test PKI before any server starts.

SPEC ``{"mode": "raw", "count": N, "concurrency": [1, 4], "breakdown": M}``
    The raw baseline: ``render_certificate(content)`` on the same content the
    app builds for 陈志强 (3 rows, same QR statement shape) and
    ``LocalSealProvider(tmpdir).sign_pdf(pdf, reason=..., location=...)``, each
    step off the event loop exactly as the app does it; N render+sign per
    concurrency level. Then, if M > 0, M in-process ``certificates.issue`` calls
    with the steps timed (register read + access log + audit, render, sign, the
    insert transaction): the service's cost without HTTP, auth and GraphQL.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

CHEN = ("陈志强", "440604196603129119")
REASON_LOCATION = ("不动产登记查询结果证明（子女入学）", "佛山市不动产登记中心")


async def _state():  # type: ignore[no-untyped-def]
    import fakeredis.aioredis

    from api.infra.crypto import PiiVault
    from api.infra.keys import load_keyring
    from api.infra.settings import get_settings
    from api.infra.state import AppState
    from api.providers.container import build_providers

    settings = get_settings()
    keyring = load_keyring(settings)
    vault = PiiVault(keyring)
    return AppState(settings=settings, keyring=keyring, vault=vault,
                    kv=fakeredis.aioredis.FakeRedis(), providers=build_providers(settings, vault))


async def _citizen(state):  # type: ignore[no-untyped-def]
    from api.providers.identity import Person
    from api.services.session import citizens

    return await citizens.ensure_citizen(state, Person(CHEN[1], CHEN[0], "", None))


async def _token(state, citizen) -> str:  # type: ignore[no-untyped-def]
    from api.services.session import sessions

    ns = SimpleNamespace(keyring=state.keyring, settings=state.settings, kv=state.kv)
    issued = await sessions.open_session(ns, citizen, assurance_level="L2",
                                         channel="FOSHANTONG", device_label="bench")
    return issued.access_token


async def mode_token(issue: bool) -> dict:
    from api.cli.common import database
    from api.services.certificates import issuing as certificates

    state = await _state()
    async with database(state.settings):
        citizen = await _citizen(state)
        out: dict[str, object] = {"access_token": await _token(state, citizen),
                                  "citizen_id": str(citizen.id)}
        if issue:
            issued = await certificates.issue(
                state, str(citizen.id), kind="HOLDINGS", purpose="SCHOOL_ENROLMENT",
                property_ids=None, idempotency_key=f"bench-prepare-{uuid.uuid4().hex}",
                channel="FOSHANTONG")
            cert = issued.certificate
            out.update(number=cert.number, code=certificates.code_of(state, cert),
                       properties=len(cert.facts["properties"]))
    return out


def _content(state, citizen, holdings):  # type: ignore[no-untyped-def]
    """The CertificateContent ``certificates.issue`` builds (same fields, same shapes)."""
    import secrets

    from api.services.certificates import issuing as c
    from api.services.certificates.pdf import CertificateContent, HoldingRow
    from api.services.session import citizens
    from auth import tokens

    issued_at = datetime.now(UTC).replace(microsecond=0)
    valid_until = issued_at + timedelta(days=state.settings.certificate_validity_days)
    number = f"FSBDC{issued_at.astimezone(c.SHANGHAI):%Y%m%d}{secrets.randbelow(10**8):08d}"
    facts = c._facts("HOLDINGS", "SCHOOL_ENROLMENT", citizen, issued_at, valid_until, holdings)
    payload = tokens.issue(state.keyring, {"sub": number, **c._statement(facts)},
                           typ=c.STATEMENT_TYP,
                           ttl_seconds=int((valid_until - issued_at).total_seconds()),
                           now=issued_at.timestamp(), audience=c.STATEMENT_AUDIENCE)
    return CertificateContent(
        number=number, kind="HOLDINGS", holder_name=citizens.name_of(state, citizen),
        masked_id_number=citizen.masked_id_number, purpose=c.PURPOSES["SCHOOL_ENROLMENT"],
        issued_at=issued_at, valid_until=valid_until, scope_note=c.SCOPE_NOTE,
        holdings=tuple(HoldingRow(
            unit_no=h.unit_no, title_no=h.title_no, address=h.address, use=h.use,
            building_area=h.building_area, co_ownership=c.CO_OWNERSHIP[h.co_ownership],
            share=f"{h.share_percent.normalize():f}%" if h.share_percent else None,
            encumbrances=c._encumbrance_text(h)) for h in holdings),
        verification_code=c.new_code(),
        verify_url=f"{state.settings.public_base_url.rstrip('/')}/verify",
        qr_payload=c.verify_url(state, payload))


async def _raw_leg(content, seal, count: int, concurrency: int) -> dict:  # type: ignore[no-untyped-def]
    from api.services.certificates.pdf import render_certificate

    latencies: list[float] = []
    sizes: list[int] = []
    todo = iter(range(count))

    async def runner() -> None:
        for _ in todo:
            t0 = time.perf_counter()
            pdf = await asyncio.to_thread(render_certificate, content)
            signed = await seal.sign_pdf(pdf, reason=REASON_LOCATION[0],
                                         location=REASON_LOCATION[1])
            latencies.append(time.perf_counter() - t0)
            sizes.append(len(signed))

    t0 = time.perf_counter()
    await asyncio.gather(*(runner() for _ in range(concurrency)))
    return {"latencies_s": latencies, "wall_s": time.perf_counter() - t0,
            "pdf_bytes": sizes[-1] if sizes else None}


class _Timer:
    """Accumulates wall time per step of one in-process issue."""

    def __init__(self) -> None:
        self.steps: dict[str, float] = {}

    def add(self, name: str, seconds: float) -> None:
        self.steps[name] = self.steps.get(name, 0.0) + seconds

    def wrap_async(self, name: str, fn):  # type: ignore[no-untyped-def]
        async def timed(*a, **kw):  # type: ignore[no-untyped-def]
            t0 = time.perf_counter()
            try:
                return await fn(*a, **kw)
            finally:
                self.add(name, time.perf_counter() - t0)
        return timed

    def wrap_sync(self, name: str, fn):  # type: ignore[no-untyped-def]
        def timed(*a, **kw):  # type: ignore[no-untyped-def]
            t0 = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                self.add(name, time.perf_counter() - t0)
        return timed

    def wrap_cm(self, name: str, factory):  # type: ignore[no-untyped-def]
        @contextlib.asynccontextmanager
        async def timed(*a, **kw):  # type: ignore[no-untyped-def]
            t0 = time.perf_counter()
            try:
                async with factory(*a, **kw) as tx:
                    yield tx
            finally:
                self.add(name, time.perf_counter() - t0)
        return timed


async def _breakdown(state, citizen, count: int) -> list[dict]:  # type: ignore[no-untyped-def]
    """``count`` in-process ``certificates.issue`` calls, steps timed by wrapping them."""
    import api.services.certificates.issuing as cert_mod
    import api.services.certificates.pdf as pdf_mod
    import api.services.properties.holdings as props_mod
    import mock_providers.registry as reg_mod
    from api.services.privacy import access_log as access_mod

    timer = _Timer()
    orig = (props_mod.holdings_of, pdf_mod.render_certificate, cert_mod.in_transaction,
            reg_mod.MockRegistryProvider.holdings, access_mod.record_access)
    props_mod.holdings_of = timer.wrap_async("holdings_of", orig[0])
    pdf_mod.render_certificate = timer.wrap_sync("render", orig[1])
    cert_mod.in_transaction = timer.wrap_cm("insert_tx", orig[2])
    reg_mod.MockRegistryProvider.holdings = timer.wrap_async("register_read", orig[3])
    access_mod.record_access = timer.wrap_async("access_log_and_audit", orig[4])
    seal = state.providers.seal
    seal_sign = seal.sign_pdf
    seal.sign_pdf = timer.wrap_async("sign", seal_sign)
    runs = []
    try:
        for _ in range(count):
            timer.steps = {}
            t0 = time.perf_counter()
            await cert_mod.issue(state, str(citizen.id), kind="HOLDINGS",
                                 purpose="SCHOOL_ENROLMENT", property_ids=None,
                                 idempotency_key=f"bench-inproc-{uuid.uuid4().hex}",
                                 channel="FOSHANTONG")
            runs.append({"total": time.perf_counter() - t0, **timer.steps})
    finally:
        (props_mod.holdings_of, pdf_mod.render_certificate, cert_mod.in_transaction,
         reg_mod.MockRegistryProvider.holdings, access_mod.record_access) = orig
        seal.sign_pdf = seal_sign
    return runs


async def mode_raw(spec: dict) -> dict:
    from api.cli.common import database
    from mock_providers.seal import LocalSealProvider

    state = await _state()
    async with database(state.settings):
        citizen = await _citizen(state)
        holdings = await state.providers.registry.holdings(CHEN[1])
        if len(holdings) != 3:
            raise SystemExit(f"{CHEN[0]} holds {len(holdings)} properties, not 3")
        content = _content(state, citizen, holdings)
        out: dict[str, object] = {"rows": len(content.holdings), "legs": {}}
        with tempfile.TemporaryDirectory(prefix="fsreg-bench-seal-") as seal_dir:
            seal = LocalSealProvider(Path(seal_dir))
            t0 = time.perf_counter()
            await _raw_leg(content, seal, 2, 1)  # test PKI + font subsetting caches, unrecorded
            out["warmup_s"] = time.perf_counter() - t0
            for level in spec.get("concurrency", [1]):
                out["legs"][str(level)] = await _raw_leg(content, seal, spec["count"], level)
        if spec.get("breakdown"):
            await _breakdown(state, citizen, 2)  # warm the app's own seal material
            out["breakdown"] = await _breakdown(state, citizen, spec["breakdown"])
    return out


def main() -> None:
    spec = json.loads(sys.argv[1])
    mode = spec["mode"]
    if mode in ("token", "issue"):
        result = asyncio.run(mode_token(issue=mode == "issue"))
    elif mode == "raw":
        result = asyncio.run(mode_raw(spec))
    else:
        raise SystemExit(f"unknown mode {mode}")
    print(json.dumps(result, ensure_ascii=False))  # noqa: T201


if __name__ == "__main__":
    main()
