"""Issue 12 (14b): the mock SMS outbox keeps phone numbers encrypted.

New messages store the masked number in ``recipient`` and the number itself in
``recipient_enc`` (PII vault, bound to mock_outbox/recipient/id). Messages
stored before carry the number in clear: a migration has no key ring to
encrypt it with, so it is masked in place (these are test and demo messages;
nothing needs the full number of a message already sent).
"""

from typing import Any

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


def _is_postgres(editor: Any) -> bool:
    return "postgres" in type(editor.client).__module__ or "asyncpg" in type(
        editor.client).__module__


async def _mask_clear_numbers(apps: Any, editor: Any) -> None:
    masked = ("left(recipient, 3) || '****' || right(recipient, 4)" if _is_postgres(editor)
              else "substr(recipient, 1, 3) || '****' || substr(recipient, -4)")
    await editor.client.execute_script(
        f"UPDATE mock_outbox SET recipient = {masked} WHERE channel = 'SMS' "
        "AND recipient_enc IS NULL AND recipient NOT LIKE '%*%' AND length(recipient) >= 7")


async def _nothing(apps: Any, editor: Any) -> None:
    """A masked number cannot be unmasked."""


class Migration(migrations.Migration):
    dependencies = [('mock', '0003_archive_deposits')]

    initial = False

    operations = [
        ops.AddField(
            model_name='OutboxMessage',
            name='recipient_enc',
            field=fields.TextField(null=True, unique=False),
        ),
        ops.RunPython(_mask_clear_numbers, _nothing),
    ]
