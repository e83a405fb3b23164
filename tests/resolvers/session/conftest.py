"""Fixtures of the session tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Client
from tests.resolvers.session.helpers import PEOPLE, face_id


@pytest.fixture
async def people(client: Client, faces_dir: Path) -> dict[str, tuple[str, str]]:
    for key, (name, _, _) in PEOPLE.items():
        await client.state.providers.identity.register(
            name=name, id_number=face_id(key), gender="M", phone=None,
            photo=(faces_dir / key / "reference.jpg").read_bytes())
    return {k: (v[0], face_id(k)) for k, v in PEOPLE.items()}
