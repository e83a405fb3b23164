"""``python -m api keys init|status|rotate|reencrypt|public``: the key ring's
lifecycle (api/keyring_admin.py) and the jobs after a rotation (api/keyjobs/)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from api.cli.common import Commands, database, err, out
from api.infra.settings import Settings

_ROLLOUT_SECONDS = 900.0


def _path(args: argparse.Namespace, settings: Settings) -> Path:
    from api.infra.keys import KEYRING_FILE, keyring_path

    return Path(args.dir) / KEYRING_FILE if args.dir else keyring_path(settings)


def cmd_init(args: argparse.Namespace, settings: Settings) -> int:
    from api.infra import keyring_admin

    path = _path(args, settings)
    summary = keyring_admin.init(path)
    out(f"new key ring written to {path} (mode 0600; secrets are never printed)")
    out(f"keys: pii {summary['pii']['active']}, tokens {summary['tokens']['active']}, "
         f"blind index {summary['blind_index']['active']}")
    out("back it up now (README: Running in production, Backups of keys): "
         "without it no personal data can be read again")
    return 0


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    from api.infra import keyring_admin
    from api.infra.keys import read_keyring_document

    out(json.dumps(keyring_admin.summary(read_keyring_document(_path(args, settings))),
                    indent=1))
    return 0


def cmd_rotate(args: argparse.Namespace, settings: Settings) -> int:
    from api.infra import keyring_admin

    family = "pii" if args.pii else "tokens" if args.tokens else "blind_index"
    path = _path(args, settings)
    delay = 0.0 if family == "blind_index" else args.activate_in
    kid = keyring_admin.rotate(path, family, activate_in=delay)
    if family == "blind_index":
        out(f"blind-index key {kid} added as pending. Stop the web workers and job "
             "workers, run `python -m api keys reencrypt`, then start them again.")
        return 0
    at = datetime.now(UTC).timestamp() + delay
    out(f"{family} key {kid} added; it takes over at "
         f"{datetime.fromtimestamp(at, UTC):%Y-%m-%d %H:%M:%S} UTC. Restart every worker "
         "before then (they then know it); old keys stay readable/verifiable.")
    if family == "pii":
        out("after it has taken over: `python -m api keys reencrypt` (resumable)")
    return 0


def cmd_reencrypt(args: argparse.Namespace, settings: Settings) -> int:
    from api.infra import keyring_admin
    from api.infra.crypto import PiiVault
    from api.infra.keyjobs import reencrypt
    from api.infra.keyjobs.columns import all_columns
    from api.infra.keys import load_keyring

    path = _path(args, settings)
    ring = load_keyring(settings, rebuilding_ok=True)
    vault = PiiVault(ring)
    encrypted, indexed = all_columns(settings)
    if ring.current_pii_kid() != ring.pii_active:
        out(f"note: PII key {ring.pii_active} has not taken over yet; ciphertexts are "
             f"brought to {ring.current_pii_kid()} (run again after it takes over)")

    async def go() -> list[Any]:
        async with database(settings):
            report = await reencrypt.reencrypt_pii(vault, encrypted, batch=args.batch,
                                                   limit=args.limit)
            if ring.blind_index_pending:
                keyring_admin.set_rebuilding(path, True)
                report += await reencrypt.rebuild_blind_indexes(
                    vault, indexed, ring.blind_index_pending, batch=args.batch,
                    limit=args.limit)
                keyring_admin.promote_blind_index(path, ring.blind_index_pending)
            return report

    try:
        report = asyncio.run(go())
    except reencrypt.Interrupted:
        out("stopped at the row limit: run `python -m api keys reencrypt` again to resume")
        return 3
    for p in report:
        out(f"{p.column}: {p.rewritten} rewritten, {p.unreadable} unreadable, "
             f"{p.unmapped} unmapped")
    if ring.blind_index_pending:
        out(f"blind index now uses {ring.blind_index_pending}; start the workers again")
    return 1 if any(p.unreadable for p in report) else 0


def cmd_public(args: argparse.Namespace, settings: Settings) -> int:
    from api.infra.keys import parse_keyring, read_keyring_document
    from auth.tokens import public_jwks

    ring = parse_keyring(read_keyring_document(_path(args, settings)))
    sys.stdout.write(json.dumps(public_jwks(ring), indent=1) + "\n")
    return 0


def cmd_keys(args: argparse.Namespace, settings: Settings) -> int:
    from api.infra.keys import KeyringError

    try:
        return int(args.keys_func(args, settings))
    except KeyringError as exc:
        err(f"key ring: {exc}")
        return 2


def add_commands(c: Commands) -> None:
    p = c.add("operations", "keys", cmd_keys, help="create, inspect and rotate the key ring",
              description="The key ring (FSREG_KEYS_DIR/keyring.json): personal-data "
              "encryption keys, token signing keys, the blind-index key. `init` writes a new "
              "production ring, `rotate` adds a key that takes over after a rolling restart, "
              "`reencrypt` brings ciphertexts to it (resumable), `public` prints the JWKS. "
              "Secrets are never printed.",
              example="keys init --dir /run/secrets/fsreg\nkeys rotate --pii\n"
              "keys reencrypt --batch 500")
    p.add_argument("--dir", help="key directory (default FSREG_KEYS_DIR or var/keys)")
    actions = p.add_subparsers(dest="action", required=True)
    actions.add_parser("init", help="a new production key ring (0600, never printed)"
                       ).set_defaults(keys_func=cmd_init)
    actions.add_parser("status", help="key ids and states (no secrets)").set_defaults(
        keys_func=cmd_status)
    s = actions.add_parser("rotate", help="add a new key to one family")
    family = s.add_mutually_exclusive_group(required=True)
    family.add_argument("--pii", action="store_true", help="personal-data encryption key")
    family.add_argument("--tokens", action="store_true", help="token/statement signing key")
    family.add_argument("--blind-index", action="store_true", help="the lookup HMAC key")
    s.add_argument("--activate-in", type=float, default=_ROLLOUT_SECONDS,
                   help="seconds until a new PII/token key takes over (time for a rolling "
                        f"restart; default {_ROLLOUT_SECONDS:.0f})")
    s.set_defaults(keys_func=cmd_rotate)
    s = actions.add_parser("reencrypt", help="bring ciphertexts to the key in use and rebuild "
                           "a pending blind index (resumable)")
    s.add_argument("--batch", type=int, default=500)
    s.add_argument("--limit", type=int, help="stop after this many rows (resume later)")
    s.set_defaults(keys_func=cmd_reencrypt)
    actions.add_parser("public", help="print the public JWKS").set_defaults(keys_func=cmd_public)
