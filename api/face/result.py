"""What a worker hands back: an embedding or an error code, never an exception.

Plain frozen dataclasses of tuples and numbers: cheap to pickle across the
process boundary and safe to compare. No image data is ever part of a result.
"""

from __future__ import annotations

from dataclasses import dataclass

from api.face.errors import FaceErrorCode


@dataclass(frozen=True, slots=True)
class FaceBox:
    """The detector's box in the normalised (downscaled) image; right/bottom exclusive."""

    left: int
    top: int
    right: int
    bottom: int

    @property
    def side(self) -> int:
        return min(self.right - self.left, self.bottom - self.top)


@dataclass(frozen=True, slots=True)
class FaceAnalysis:
    descriptor: tuple[float, ...]  # 128-d dlib embedding
    box: FaceBox


@dataclass(frozen=True, slots=True)
class FaceResult:
    """Exactly one of ``embedding`` and ``code`` is set."""

    embedding: tuple[float, ...] | None = None
    box: FaceBox | None = None
    code: FaceErrorCode | None = None

    def __post_init__(self) -> None:
        if (self.embedding is None) == (self.code is None):
            raise ValueError("a FaceResult holds either an embedding or an error code")

    @classmethod
    def of(cls, face: FaceAnalysis) -> FaceResult:
        return cls(embedding=face.descriptor, box=face.box)

    @classmethod
    def failed(cls, code: FaceErrorCode) -> FaceResult:
        return cls(code=code)

    @property
    def ok(self) -> bool:
        return self.embedding is not None
