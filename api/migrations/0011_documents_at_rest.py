"""Issue 12: partial certificates are their own kind; stored PDFs encrypted at rest;
a proof request keeps the fields its consent screen listed.

- ``certificate.kind`` widens for ``PARTIAL_HOLDINGS``. Certificates issued
  before this migration as HOLDINGS of a selection (their request fingerprint
  is not the one of "HOLDINGS, all properties") are relabelled
  PARTIAL_HOLDINGS, so online verification stops presenting them as the
  citizen's whole holdings. A selection that happened to be everything is
  relabelled too: understating is the safe side.
- ``certificate_document.pdf_enc`` holds the PII vault's ciphertext; ``pdf``
  becomes nullable and keeps only old plaintext rows, which the application
  encrypts on first read or with ``python -m api encrypt-documents`` (a
  migration has no key ring, so it cannot encrypt).
- ``proof_request.disclosed``: the answer's fields as shown to the citizen.
"""

import functools
import hashlib
import json
from json import dumps, loads
from typing import Any

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

# The purposes and fingerprint recipe of api/services/certificates.py when
# this migration was written (a migration must not follow later code).
_PURPOSES = ("SCHOOL_ENROLMENT", "HOUSE_PURCHASE", "TAX", "LOAN", "HUKOU_TRANSFER", "OTHER")


def _whole_fingerprints() -> list[str]:
    return [hashlib.sha256(json.dumps(["HOLDINGS", p, None]).encode()).hexdigest()
            for p in _PURPOSES]


def _is_postgres(editor: Any) -> bool:
    return "postgres" in type(editor.client).__module__ or "asyncpg" in type(
        editor.client).__module__


class _AlterOnPostgresOnly(ops.AlterField):
    """Widening a VARCHAR: PostgreSQL alters the column in place. SQLite does not
    enforce the length, and Tortoise's SQLite path rebuilds the table, which
    fails on ``certificate`` (rows of ``certificate_document`` reference it) and
    drops its unique key (the one that makes a double tap issue once)."""

    async def database_forward(self, app_label: str, old_state: Any, new_state: Any,
                               state_editor: Any = None) -> None:
        if state_editor is not None and _is_postgres(state_editor):
            await super().database_forward(app_label, old_state, new_state, state_editor)

    async def database_backward(self, app_label: str, old_state: Any, new_state: Any,
                                state_editor: Any = None) -> None:
        if state_editor is not None and _is_postgres(state_editor):
            await super().database_backward(app_label, old_state, new_state, state_editor)


async def _relabel_partial(apps: Any, editor: Any) -> None:
    whole = ", ".join(f"'{h}'" for h in _whole_fingerprints())  # hex digests: safe to inline
    new_facts = ("jsonb_set(facts::jsonb, '{kind}', '\"PARTIAL_HOLDINGS\"')"
                 if _is_postgres(editor) else "json_set(facts, '$.kind', 'PARTIAL_HOLDINGS')")
    await editor.client.execute_script(
        f"UPDATE certificate SET kind = 'PARTIAL_HOLDINGS', facts = {new_facts} "
        f"WHERE kind = 'HOLDINGS' AND request_fingerprint NOT IN ({whole})")


async def _keep_labels(apps: Any, editor: Any) -> None:
    """Going back: the old schema knew no partial kind (the truth is lost again)."""
    new_facts = ("jsonb_set(facts::jsonb, '{kind}', '\"HOLDINGS\"')"
                 if _is_postgres(editor) else "json_set(facts, '$.kind', 'HOLDINGS')")
    await editor.client.execute_script(
        f"UPDATE certificate SET kind = 'HOLDINGS', facts = {new_facts} "
        "WHERE kind = 'PARTIAL_HOLDINGS'")


class Migration(migrations.Migration):
    dependencies = [('platform', '0010_face_trust')]

    initial = False

    operations = [
        _AlterOnPostgresOnly(
            model_name='Certificate',
            name='kind',
            field=fields.CharField(max_length=20),
        ),
        ops.AlterModelOptions(
            name='CertificateDocument',
            options={'table': 'certificate_document', 'app': 'platform', 'pk_attr': 'certificate_id', 'table_description': 'The signed PDF (e-archive copy), one per certificate, encrypted at rest.'},
        ),
        ops.AlterField(
            model_name='CertificateDocument',
            name='pdf',
            field=fields.BinaryField(null=True),
        ),
        ops.AddField(
            model_name='CertificateDocument',
            name='pdf_enc',
            field=fields.TextField(null=True, unique=False),
        ),
        ops.AddField(
            model_name='ProofRequest',
            name='disclosed',
            field=fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.RunPython(_relabel_partial, _keep_labels),
    ]
