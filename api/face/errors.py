"""Stable error codes of the face pipeline.

Every way a face attempt can fail without being a match decision has its own
code (RELIABILITY R3.17), so the client can tell the user what to change. The
codes are ``StrEnum`` members with the catalogue's values (``api.errors``):
they compare equal to their plain string and pickle across the worker-process
boundary. Their Chinese messages live in the catalogue only; the login
service maps each code to its domain exception (``FACE_ERRORS``).
"""

from __future__ import annotations

from enum import StrEnum

from api.errors import ErrorCode


class FaceErrorCode(StrEnum):
    IMAGE_INVALID = ErrorCode.IMAGE_INVALID
    IMAGE_TOO_LARGE = ErrorCode.IMAGE_TOO_LARGE
    NO_FACE = ErrorCode.NO_FACE
    MULTIPLE_FACES = ErrorCode.MULTIPLE_FACES
    FACE_TOO_SMALL = ErrorCode.FACE_TOO_SMALL
    # Not in the first list of codes: a face cut by the frame edge is found by
    # the detector (so it is not NO_FACE) and is not small, but its descriptor
    # is unreliable and a cropped ID photo slips under the replay threshold.
    FACE_PARTIAL = ErrorCode.FACE_PARTIAL
    FACE_BUSY = ErrorCode.FACE_BUSY
    # The pool crashed or is closed; never sent as such: answered as FACE_BUSY.
    FACE_UNAVAILABLE = "FACE_UNAVAILABLE"


class FaceError(Exception):
    """Raised inside the worker for a refused image; turned into a code before it leaves."""

    def __init__(self, code: FaceErrorCode) -> None:
        super().__init__(code.value)
        self.code = code
