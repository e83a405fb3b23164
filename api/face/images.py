"""Decode an untrusted selfie upload into a small RGB array, refusing anything unsafe.

Owns the image rules of RELIABILITY R3.17: a byte cap, JPEG/PNG only (magic
bytes *and* Pillow's verdict must agree), a pixel cap read from the header
before any pixel is decoded (so a 50 MP photo or a PNG bomb claiming
30000x30000 costs a header parse, never a bitmap), corrupt data refused as
IMAGE_INVALID, EXIF orientation applied, and the result downscaled so the
detector's cost is bounded. Everything happens in memory; nothing touches disk.
"""

from __future__ import annotations

import io
import logging
import math
import warnings

import numpy as np
from PIL import Image, ImageOps

from api.face.config import ImageLimits
from api.face.errors import FaceError, FaceErrorCode

log = logging.getLogger("api.face.images")

_MAGIC: dict[bytes, str] = {b"\xff\xd8\xff": "JPEG", b"\x89PNG\r\n\x1a\n": "PNG"}
# Phones write multi-picture JPEGs (depth maps, previews), which Pillow calls MPO.
_FORMATS: dict[str, frozenset[str]] = {"JPEG": frozenset({"JPEG", "MPO"}),
                                       "PNG": frozenset({"PNG"})}
# Modes Image.resize handles with a real filter; others (P, 1, I;16, ...) are
# converted to RGB first, at full size.
_RESIZABLE = frozenset({"RGB", "RGBA", "L", "LA", "CMYK", "YCbCr"})


def decode(data: bytes, limits: ImageLimits) -> np.ndarray:
    """RGB uint8 array of shape (h, w, 3) with max(h, w) <= limits.max_side, or FaceError."""
    if len(data) > limits.max_bytes:
        raise FaceError(FaceErrorCode.IMAGE_TOO_LARGE)
    kind = _sniff(data)
    # Pillow warns (DecompressionBombWarning, corrupt EXIF, palette transparency)
    # about exactly the hostile inputs we refuse or tolerate here; a warning must
    # not escape as an error under `-W error` nor clutter worker logs.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            image = _open_checked(data, kind, limits)
            return _normalise(image, kind, limits.max_side)
        except FaceError:
            raise
        except (Image.DecompressionBombError, MemoryError):
            raise FaceError(FaceErrorCode.IMAGE_TOO_LARGE) from None
        except Exception as exc:  # hostile bytes make Pillow raise almost anything
            log.info("image refused as invalid: %s", type(exc).__name__)
            raise FaceError(FaceErrorCode.IMAGE_INVALID) from None


def _sniff(data: bytes) -> str:
    for magic, kind in _MAGIC.items():
        if data.startswith(magic):
            return kind
    raise FaceError(FaceErrorCode.IMAGE_INVALID)


def _open_checked(data: bytes, kind: str, limits: ImageLimits) -> Image.Image:
    """Parse the header only (Image.open is lazy) and apply the size rules."""
    image = Image.open(io.BytesIO(data), formats=[kind])
    if image.format not in _FORMATS[kind]:
        raise FaceError(FaceErrorCode.IMAGE_INVALID)
    width, height = image.size
    if width < 1 or height < 1:
        raise FaceError(FaceErrorCode.IMAGE_INVALID)
    if width * height > limits.max_pixels:
        raise FaceError(FaceErrorCode.IMAGE_TOO_LARGE)
    return image


def _normalise(image: Image.Image, kind: str, max_side: int) -> np.ndarray:
    width, height = image.size
    scale = max_side / max(width, height)
    if kind == "JPEG" and scale < 1:
        # Decode at 1/2, 1/4 or 1/8 scale in the DCT domain: a 12 MP phone photo
        # costs a quarter or less of the time and memory of a full decode.
        image.draft("RGB", (math.ceil(width * scale), math.ceil(height * scale)))
    image.load()  # raises on truncated or corrupt data
    # Before any resize: getexif() reads the tags of the file as loaded.
    ImageOps.exif_transpose(image, in_place=True)
    if image.mode not in _RESIZABLE:
        image = image.convert("RGB")
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    if image.mode != "RGB":
        image = image.convert("RGB")
    return np.ascontiguousarray(np.asarray(image, dtype=np.uint8))
