"""The audit trail is append-only at the database level, not just by convention."""

from typing import Any

from tortoise import migrations
from tortoise.migrations import operations as ops

_PG_UP = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit_event is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON audit_event
  FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
"""
_PG_DOWN = """
DROP TRIGGER IF EXISTS audit_event_no_update ON audit_event;
DROP FUNCTION IF EXISTS audit_event_append_only();
"""
_SQLITE_UP = [
    """CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_event
       BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_event
       BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END""",
]
_SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
]


def _is_postgres(editor: Any) -> bool:
    return "postgres" in type(editor.client).__module__ or "asyncpg" in type(
        editor.client
    ).__module__


# Executed as whole statements: the schema editor splits scripts on ";",
# which would cut trigger bodies apart.
async def _up(apps: Any, editor: Any) -> None:
    for sql in [_PG_UP] if _is_postgres(editor) else _SQLITE_UP:
        await editor.client.execute_script(sql)


async def _down(apps: Any, editor: Any) -> None:
    for sql in [_PG_DOWN] if _is_postgres(editor) else _SQLITE_DOWN:
        await editor.client.execute_script(sql)


class Migration(migrations.Migration):
    dependencies = [("platform", "0001_initial")]

    operations = [ops.RunPython(_up, _down)]
