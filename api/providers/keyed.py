"""Where a column holds a ciphertext or a blind index, described plainly.

The platform lists its own columns with these, and so does an adapter that
keeps personal data with the ``PersonalDataVault`` (the in-process mocks:
``mock_providers/keyed_columns.py``); the key jobs (``api/infra/keyjobs``)
adapt both lists, so a key rotation re-encrypts and re-indexes every row.
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.models import Model


@dataclass(frozen=True)
class EncryptedColumn:
    model: type[Model]
    field: str  # the model field holding "v1:<kid>:..."
    table: str  # associated data, as passed to PersonalDataVault.encrypt
    column: str


@dataclass(frozen=True)
class BlindIndexField:
    """A blind index. ``source``: the encrypted field of the same row it is
    recomputed from; without one, the row keeps only the index, mapped through
    the values of the recomputable columns of the same ``purpose``."""

    model: type[Model]
    field: str
    source: str | None = None
    many: bool = False  # a JSON list of indexes
    purpose: str = "id_number"
