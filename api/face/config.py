"""Face pipeline settings.

The app's one settings object carries the deployment knobs as flat
``face_*`` fields; ``FaceSettings.from_settings`` maps them here, and the
finer knobs keep the defaults below. This package never imports the app
settings, so worker processes stay light. Frozen and picklable: the parts
the worker needs travel with each job.

The numbers are tuned on ``tests/fixtures/faces`` (see ``bench/face_rates.py``):
- ``accept_threshold`` 0.5: genuine selfie/reference pairs measure 0.36-0.41,
  different people 0.77-0.96. dlib's own operating point is 0.6 (LFW); for a
  login to property records a false accept costs more than a retry, so we sit
  ~0.09 above the worst genuine pair and ~0.27 below the closest impostor.
- ``replay_threshold`` 0.2: the reference photo itself, resized, letterboxed or
  cropped, measures 0.05-0.16 against the reference; genuine selfies >= 0.36.
- ``min_face_px`` 70: descriptors drift with face size. Downscaling fixture
  selfies moved them (vs full size) 0.04-0.09 at >= 76 px boxes, 0.11-0.17 at
  63 px, 0.16-0.21 at 52 px; a replayed ID photo at 52 px reaches 0.18, near
  the replay threshold. 70 px is also about the smallest face the HOG detector
  finds without upsampling (its boxes come in steps: ..., 52, 63, 72-76, 87).
"""

from __future__ import annotations

import os
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

MIN_FACE_PX = 70


class ImageLimits(BaseModel):
    model_config = ConfigDict(frozen=True)

    # A base64 selfie of 8 MB is ~10.7 MB on the wire, under max_body_bytes (12 MB).
    max_bytes: int = Field(default=8 * 1024 * 1024, gt=0)
    # Checked from the header before decoding: a 40 MP RGBA bitmap is 160 MB.
    max_pixels: int = Field(default=40_000_000, gt=0)
    # Faces are found and encoded on an image no larger than this (longest side).
    max_side: int = Field(default=800, ge=160)


class FaceSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    images: ImageLimits = Field(default_factory=ImageLimits)
    min_face_px: int = Field(default=MIN_FACE_PX, ge=20)
    accept_threshold: float = Field(default=0.5, gt=0, lt=2)
    replay_threshold: float = Field(default=0.2, ge=0, lt=2)
    # None: one worker per core. dlib holds the GIL, so only processes scale.
    workers: int | None = Field(default=None, ge=1)
    # Jobs allowed to wait per worker before embed() answers FACE_BUSY.
    queue_per_worker: int = Field(default=4, ge=0)
    # A normal embed takes ~0.1 s; this only catches a wedged worker.
    timeout_seconds: float = Field(default=15.0, gt=0)
    start_method: str = Field(default="forkserver", pattern="^(forkserver|spawn)$")

    @model_validator(mode="after")
    def _replay_below_accept(self) -> FaceSettings:
        if self.replay_threshold >= self.accept_threshold:
            raise ValueError("replay_threshold must be below accept_threshold")
        return self

    @classmethod
    def from_settings(cls, settings: Any) -> FaceSettings:
        """From ``api.settings.Settings`` (duck-typed to keep the import one-way)."""
        return cls(
            images=ImageLimits(max_bytes=settings.face_max_image_bytes,
                               max_pixels=settings.face_max_pixels),
            accept_threshold=settings.face_accept_threshold,
            replay_threshold=settings.face_replay_threshold,
            workers=settings.face_pool_workers or None,  # 0 means one per core
        )

    @property
    def worker_count(self) -> int:
        return self.workers or os.cpu_count() or 1
