"""Where the mocks keep their tables: tortoise app ``mock`` on connection ``mock``,
a database of its own (``FSREG_MOCK_DATABASE_URL``; by default a file beside the
app's SQLite file, or ``<database>_mock`` on PostgreSQL's server).

Every transaction of a mock names this connection: with two databases
configured, tortoise cannot guess which one is meant.
"""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient, TransactionContext
from tortoise.transactions import in_transaction

APP = "mock"
CONNECTION = "mock"


def transaction() -> TransactionContext:
    """A transaction on the mocks' database."""
    return in_transaction(CONNECTION)


def connection() -> BaseDBAsyncClient:
    from tortoise import connections

    return connections.get(CONNECTION)
