"""Face matching for face login (RELIABILITY R3).

- ``images``  untrusted bytes -> small RGB array, or IMAGE_* codes
- ``model``   dlib detection + 128-d descriptor (runs in worker processes only)
- ``worker``  the job a pool worker runs: bytes -> ``FaceResult``
- ``pool``    ``FacePool``: bounded process pool with an async ``embed``
- ``matcher`` pure ``decide(selfie, reference)``: MATCH / MISMATCH / REPLAY
- ``errors``  the stable codes (their messages are in the catalogue, ``api.errors``)
"""

from api.face.config import FaceSettings
from api.face.errors import FaceErrorCode
from api.face.result import FaceResult

__all__ = ["FaceErrorCode", "FaceResult", "FaceSettings"]
