"""What runs inside a face pool worker process: decode, detect, encode.

Every refusal leaves as a ``FaceResult`` with a code, never as an exception,
so nothing about a hostile image can reach the caller as a traceback. The
image bytes are dropped when the job returns; they are never logged.
"""

from __future__ import annotations

import os
from pathlib import Path

from api.face import images, model
from api.face.config import ImageLimits
from api.face.errors import FaceError
from api.face.result import FaceResult


def init_worker(directory: Path | None = None) -> None:
    """Pool initializer: pay the model load once per process, before any job."""
    model.load(directory)


def embed_bytes(data: bytes, limits: ImageLimits, min_face_px: int) -> FaceResult:
    try:
        rgb = images.decode(data, limits)
        return FaceResult.of(model.analyse(rgb, min_face_px=min_face_px))
    except FaceError as refused:
        return FaceResult.failed(refused.code)


def ping() -> int:
    """A no-op job: returns once this worker has finished its initializer."""
    return os.getpid()
