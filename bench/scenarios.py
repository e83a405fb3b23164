"""Benchmark scenarios: what request to send and how to prepare the data for it.

A scenario is one GraphQL request whose answer must be byte-identical every
time (it is replayed by the baseline server), plus an optional ``prepare``
step that runs against the freshly migrated database before the app starts
and may return extra request headers (e.g. an ``Authorization`` token).

To add a scenario: write its request body (and a ``prepare`` if it needs
data), add it to ``SCENARIOS``, run it, record the result in
``docs/benchmarks.md``.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class BenchEnv:
    """What a ``prepare`` step may use: the app's environment and a work dir."""

    python: str
    repo: Path
    env: dict[str, str]
    workdir: Path

    def run_python(self, source: Path, *args: str, timeout: float = 300) -> str:
        """Run a bench script as ``python -c SOURCE ARGS`` in the app's directory and
        environment, so ``api`` imports from the served source (a ``--at`` export)."""
        done = subprocess.run([self.python, "-c", source.read_text(), *args], cwd=self.repo,
                              env=self.env, capture_output=True, text=True, timeout=timeout,
                              check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{source.name} {' '.join(args)} failed:\n{done.stderr}")
        return done.stdout

    def run_cli(self, *args: str, timeout: float = 600) -> str:
        """Run ``python -m api ARGS`` with the app's environment."""
        done = subprocess.run([self.python, "-m", "api", *args], cwd=self.repo, env=self.env,
                              capture_output=True, text=True, timeout=timeout, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"python -m api {' '.join(args)} failed:\n{done.stderr}")
        return done.stdout


Prepare = Callable[[BenchEnv], dict[str, str]]


@dataclass(frozen=True)
class Scenario:
    description: str
    query: str
    variables: dict[str, object] = field(default_factory=dict)
    prepare: Prepare | None = None
    # Settings for the app (and its prepare step), e.g. a longer token TTL.
    app_env: dict[str, str] = field(default_factory=dict)
    # Extra checks of the decoded answer (beyond "data, no errors").
    check: Callable[[dict], None] | None = None
    # Variables only known after ``prepare`` (e.g. a certificate number it
    # issued): called with the same BenchEnv after ``prepare``.
    variables_from: Callable[[BenchEnv], dict[str, object]] | None = None

    def body(self, env: BenchEnv | None = None) -> bytes:
        doc: dict[str, object] = {"query": self.query}
        variables = dict(self.variables)
        if self.variables_from is not None:
            if env is None:
                raise RuntimeError("this scenario's variables come from its prepare step")
            variables.update(self.variables_from(env))
        if variables:
            doc["variables"] = variables
        return json.dumps(doc, separators=(",", ":")).encode()


BENCH = Path(__file__).resolve().parent
# The first heavy holder of the generated register (seed 2024): exactly 20
# current properties. Blocks never depend on what follows, so person 999 is
# the same, with the same properties, in a 2,000- and a 200,000-holder set.
HEAVY_INDEX, HEAVY_PROPERTIES = 999, 20
SMALL_REGISTER = 2000


def heavy_holder_token(env: BenchEnv) -> dict[str, str]:
    """An L2 (face-level) token for the heavy holder, minted in-process.

    Seeds the small register first: where it is present (always on the large
    one, which holds it as its first 2,000 persons) that is one query and no
    write. The server must use the key ring the register was seeded with
    (``--keys-from``) and, with several workers, a shared store (``--redis-url``)."""
    env.run_cli("seed", "--holders", str(SMALL_REGISTER))
    minted = json.loads(env.run_python(BENCH / "mint_token.py", str(HEAVY_INDEX)))
    if minted["properties"] != HEAVY_PROPERTIES:
        raise RuntimeError(f"person {HEAVY_INDEX} holds {minted['properties']} properties, "
                           f"not {HEAVY_PROPERTIES}")
    return {"Authorization": f"Bearer {minted['access_token']}"}


def _twenty_properties(doc: dict) -> None:
    conn = doc["data"]["myProperties"]
    if conn["totalCount"] != HEAVY_PROPERTIES or len(conn["edges"]) != HEAVY_PROPERTIES:
        raise RuntimeError(f"expected {HEAVY_PROPERTIES} properties, got "
                           f"{conn['totalCount']} / {len(conn['edges'])} edges")


# Long enough for the prepare step, warm-up and every leg.
TOKEN_ENV = {"FSREG_ACCESS_TOKEN_TTL_SECONDS": "7200"}

MY_PROPERTIES = (
    "query { myProperties(first: 20) { totalCount edges { node { unitNo titleNo address use "
    "buildingArea coOwnership isMortgaged isSeized isTransferable "
    "coHolders { maskedName sharePercent isSelf } mortgages { mortgagee amount } } } } }")

# Issue 5: a certificate of 陈志强 (demo citizen, 3 properties), issued in-process
# by the prepare step; the answer leaves out checkedAt (it changes every request).
CERT_FILE = "certificate.json"
VERIFY_CERTIFICATE = (
    "query ($number: String!, $code: String!) { verifyCertificate(number: $number, "
    "code: $code) { status number facts { holder idNumber kind purpose "
    "properties { titleNo district } } } }")


def demo_certificate(env: BenchEnv) -> dict[str, str]:
    """``seed --demo``, then one HOLDINGS certificate for 陈志强 issued in-process
    (``cert_inproc.py``); its number and code go to the work dir for the query.
    Verification is public: no token is needed."""
    env.run_cli("seed", "--demo")
    issued = json.loads(env.run_python(BENCH / "cert_inproc.py", json.dumps({"mode": "issue"})))
    if issued["properties"] != 3:
        raise RuntimeError(f"the certificate lists {issued['properties']} properties, not 3")
    (env.workdir / CERT_FILE).write_text(json.dumps(
        {"number": issued["number"], "code": issued["code"]}))
    return {}


def _certificate_variables(env: BenchEnv) -> dict[str, object]:
    return json.loads((env.workdir / CERT_FILE).read_text())


def _valid_certificate(doc: dict) -> None:
    v = doc["data"]["verifyCertificate"]
    if v["status"] != "VALID" or len(v["facts"]["properties"]) != 3:
        raise RuntimeError(f"expected a VALID certificate with 3 properties, got {v}")


# Issue 6: the released slots of one hall and item for a week, public. The week
# starts tomorrow (Asia/Shanghai) so no slot starts during a run; a run that
# straddles a day's release (09:00 Shanghai) or midnight changes the answer and
# fails the byte-identical check.
SLOTS_FILE = "slots-week.json"
AVAILABLE_SLOTS = (
    "query ($hall: ID!, $from: String!, $to: String!) { availableSlots(hallId: $hall, "
    "serviceItem: TRANSFER, from: $from, to: $to) { id startsAt endsAt capacity remaining } }")


def demo_halls_week(env: BenchEnv) -> dict[str, str]:
    """``seed --demo`` (halls and the 2026 calendar); the week is tomorrow + 6 days."""
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    env.run_cli("seed", "--demo")
    tomorrow = datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai")).date() + timedelta(days=1)
    (env.workdir / SLOTS_FILE).write_text(json.dumps(
        {"hall": "FS-CENTRE", "from": tomorrow.isoformat(),
         "to": (tomorrow + timedelta(days=6)).isoformat()}))
    return {}


def _slots_week_variables(env: BenchEnv) -> dict[str, object]:
    return json.loads((env.workdir / SLOTS_FILE).read_text())


def _some_slots(doc: dict) -> None:
    slots = doc["data"]["availableSlots"]
    if not slots or any(s["remaining"] != s["capacity"] for s in slots):
        raise RuntimeError(f"expected released, empty slots; got {len(slots)}: {slots[:2]}")


SCENARIOS: dict[str, Scenario] = {
    # serverTime is left out on purpose: it changes every request, and the
    # baseline replays one fixed answer.
    "platform": Scenario(
        description="anonymous static query, no database access: the cost of the "
                    "HTTP + middleware + strawberry pipeline itself",
        query="query { serviceInfo { name version environment } districts { code name } }",
    ),
    # Issue 4. Each request: token check + revocation lookup in the store, one
    # register read (3 queries), an access-log row and a hash-chained audit
    # row (advisory lock on PostgreSQL).
    "properties": Scenario(
        description="myProperties(first: 20) of a holder with 20 current properties "
                    "(L2 token): register read + access-log and audit writes per request",
        query=MY_PROPERTIES,
        prepare=heavy_holder_token,
        app_env=TOKEN_ENV,
        check=_twenty_properties,
    ),
    # Same token, no register read and no writes: one citizen row by id.
    "properties-me": Scenario(
        description="{ me { maskedName } } with the heavy holder's L2 token: authentication "
                    "+ one primary-key read, no register access, no writes",
        query="query { me { maskedName } }",
        prepare=heavy_holder_token,
        app_env=TOKEN_ENV,
    ),
    # Same token, no database at all: authentication + revocation lookup only.
    "properties-districts": Scenario(
        description="{ districts { code } } with the heavy holder's L2 token: authentication "
                    "and the revocation lookup, no database access",
        query="query { districts { code } }",
        prepare=heavy_holder_token,
        app_env=TOKEN_ENV,
    ),
    # Issue 5. Public verification by number + code. Each request: the
    # per-client throttle (raised here), a register-events sync (cursor read +
    # events query), the certificate by number, the code MAC, and writes: a
    # data_access row, a hash-chained audit row (advisory lock on PostgreSQL)
    # and a notification to the holder (a verifier is not the holder).
    "certificates-verify": Scenario(
        description="verifyCertificate(number, code) of a valid 3-property certificate, "
                    "anonymous: throttle, register-events sync, lookup, MAC, access-log + "
                    "audit + notification writes per request",
        query=VERIFY_CERTIFICATE,
        prepare=demo_certificate,
        variables_from=_certificate_variables,
        app_env={"FSREG_VERIFY_ATTEMPTS_PER_MINUTE": "100000000"},
        check=_valid_certificate,
    ),
    # Issue 6. Public; each request: the hall, the calendar overrides, per
    # released day a slot count (ensure_slots: created on the first look only),
    # then the week's slots of the item. Nothing books during the run.
    "available-slots": Scenario(
        description="availableSlots(FS-CENTRE, TRANSFER, a week from tomorrow), anonymous: "
                    "hall + calendar + per-day slot count + slots query, no writes once "
                    "the slots exist",
        query=AVAILABLE_SLOTS,
        prepare=demo_halls_week,
        variables_from=_slots_week_variables,
        check=_some_slots,
    ),
}
