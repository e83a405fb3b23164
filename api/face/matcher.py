"""Pure decision rules on two 128-d descriptors: match, mismatch or replay.

Distances are Euclidean, as dlib's model was trained for. Three bands:

- ``d < replay_threshold``: near-identical to the ID photo. Two genuine photos
  of a face are never that close (fixtures: >= 0.36); the reference photo
  resized, letterboxed or cropped is (0.05-0.16). Someone is presenting the
  ID photo itself, so this is REPLAY, not an especially good match.
- ``d <= accept_threshold``: MATCH.
- otherwise MISMATCH.

The thresholds are settings (``FaceSettings``); ``bench/face_rates.py``
reports false accept / reject rates at them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

Descriptor = Sequence[float] | np.ndarray


class MatchOutcome(StrEnum):
    MATCH = "MATCH"
    MISMATCH = "MISMATCH"
    REPLAY = "REPLAY"


@dataclass(frozen=True, slots=True)
class MatchDecision:
    outcome: MatchOutcome
    distance: float  # kept with the attempt as its score (R3.19)

    @property
    def matched(self) -> bool:
        return self.outcome is MatchOutcome.MATCH


def distance(a: Descriptor, b: Descriptor) -> float:
    va, vb = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if va.shape != vb.shape or va.ndim != 1:
        raise ValueError(f"descriptors differ in shape: {va.shape} vs {vb.shape}")
    result = float(np.linalg.norm(va - vb))
    if not math.isfinite(result):
        raise ValueError("descriptor holds a non-finite value")
    return result


def decide(selfie: Descriptor, reference: Descriptor, *,
           accept_threshold: float, replay_threshold: float) -> MatchDecision:
    if not 0 <= replay_threshold < accept_threshold:
        raise ValueError("need 0 <= replay_threshold < accept_threshold")
    d = distance(selfie, reference)
    if d < replay_threshold:
        return MatchDecision(MatchOutcome.REPLAY, d)
    if d <= accept_threshold:
        return MatchDecision(MatchOutcome.MATCH, d)
    return MatchDecision(MatchOutcome.MISMATCH, d)
