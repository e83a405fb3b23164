"""dlib face detection and 128-d descriptors, the way ``face_recognition`` does it.

The models are held in a module-level lazy singleton. That is deliberate and
safe here, unlike app-wide clients (CONVENTIONS 6): this module runs inside the
face pool's worker processes, each single-threaded, each loading the ~30 MB of
weights once in the pool initializer. The API process never loads them (tests
and the benchmark do, in-process, on purpose). dlib is imported lazily so that
importing this package costs the API process nothing.

We import neither ``face_recognition`` nor ``face_recognition_models``: the
latter imports ``pkg_resources``, gone from current setuptools. ``find_spec``
locates its data without executing it.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from api.face.config import MIN_FACE_PX
from api.face.errors import FaceError, FaceErrorCode
from api.face.result import FaceAnalysis, FaceBox

# Upsampling doubles each side (4x the detector's work) so it finds faces down
# to ~40 px instead of ~70 px. We only need that to tell FACE_TOO_SMALL from
# NO_FACE, so it runs only when the native pass finds nothing, and only on
# images this small (the normalised image never exceeds 800 px by default).
# So a bystander's face under ~70 px next to a larger one goes unseen: it is
# not the face being matched, and MULTIPLE_FACES is about two people in view.
_UPSAMPLE_MAX_SIDE = 1000
# The detector's box may poke a little past the frame for a whole face at the
# edge. Beyond 10% of the side, part of the face is missing: a fixture crop of
# the ID photo with ~23% of its box outside measured 0.14-0.24 from the
# reference, i.e. it slips past the replay check yet still matches.
_PARTIAL_TOLERANCE = 0.10


@dataclass(frozen=True, slots=True)
class _Models:
    detector: Any
    landmarks: Any
    encoder: Any


_models: _Models | None = None


def model_dir() -> Path:
    spec = importlib.util.find_spec("face_recognition_models")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("face_recognition_models is not installed")
    return Path(spec.submodule_search_locations[0]) / "models"


def load(directory: Path | None = None) -> None:
    """Load the models once per process; later calls are no-ops."""
    global _models
    if _models is not None:
        return
    import dlib

    base = directory or model_dir()
    _models = _Models(
        detector=dlib.get_frontal_face_detector(),
        # The 5-point predictor is what face_recognition uses for encodings:
        # the ResNet only needs eye corners and nose to align the face chip.
        landmarks=dlib.shape_predictor(str(base / "shape_predictor_5_face_landmarks.dat")),
        encoder=dlib.face_recognition_model_v1(
            str(base / "dlib_face_recognition_resnet_model_v1.dat")),
    )


def analyse(rgb: np.ndarray, *, min_face_px: int = MIN_FACE_PX) -> FaceAnalysis:
    """The single face in ``rgb`` (h, w, 3 uint8) and its descriptor, or FaceError."""
    load()
    assert _models is not None
    rects = _detect(_models.detector, rgb)
    if not rects:
        raise FaceError(FaceErrorCode.NO_FACE)
    if len(rects) > 1:
        raise FaceError(FaceErrorCode.MULTIPLE_FACES)
    rect = rects[0]
    box = FaceBox(rect.left(), rect.top(), rect.right() + 1, rect.bottom() + 1)
    if _outside_fraction(box, rgb.shape[1], rgb.shape[0]) > _PARTIAL_TOLERANCE:
        raise FaceError(FaceErrorCode.FACE_PARTIAL)
    if box.side < min_face_px:
        raise FaceError(FaceErrorCode.FACE_TOO_SMALL)
    shape = _models.landmarks(rgb, rect)
    # num_jitters=1 computes on the aligned chip once: deterministic, ~75 ms.
    descriptor = _models.encoder.compute_face_descriptor(rgb, shape, 1)
    return FaceAnalysis(descriptor=tuple(float(x) for x in descriptor), box=box)


def _detect(detector: Any, rgb: np.ndarray) -> list[Any]:
    rects = list(detector(rgb, 0))
    if not rects and max(rgb.shape[:2]) <= _UPSAMPLE_MAX_SIDE:
        rects = list(detector(rgb, 1))
    return rects


def _outside_fraction(box: FaceBox, width: int, height: int) -> float:
    outside = max(-box.left, -box.top, box.right - width, box.bottom - height, 0)
    return outside / max(box.side, 1)
