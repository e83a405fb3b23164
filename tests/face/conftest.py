"""Helpers for the face tests: in-memory image encoding and fixture bytes."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from api.face.config import FaceSettings

Encode = Callable[..., bytes]


def _encode(image: Image.Image, fmt: str = "JPEG", **options: Any) -> bytes:
    buffer = io.BytesIO()  # never a file: selfies do not touch disk, test ones neither
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


@pytest.fixture(scope="session")
def encode() -> Encode:
    return _encode


@pytest.fixture(scope="session")
def face_settings() -> FaceSettings:
    return FaceSettings()


@pytest.fixture(scope="session")
def face_bytes(faces_dir: Path) -> Callable[[str], bytes]:
    """Bytes of a fixture photo by relative path, e.g. ``person_a/reference.jpg``."""
    return lambda relative: (faces_dir / relative).read_bytes()
