"""The pure decision rules: bands, boundaries and bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest

from api.face.matcher import MatchOutcome, decide, distance

THRESHOLDS = {"accept_threshold": 0.5, "replay_threshold": 0.2}


def at_distance(d: float) -> tuple[np.ndarray, np.ndarray]:
    base = np.linspace(-0.2, 0.2, 128)
    step = np.zeros(128)
    step[7] = d
    return base, base + step


def test_distance_is_euclidean() -> None:
    assert distance([0.0, 3.0], [4.0, 0.0]) == pytest.approx(5.0)
    assert distance((1.0,) * 128, (1.0,) * 128) == 0.0


@pytest.mark.parametrize(("d", "outcome"), [
    (0.0, MatchOutcome.REPLAY),
    (0.09, MatchOutcome.REPLAY),      # fixture replays: 0.08-0.10
    (0.2, MatchOutcome.MATCH),        # the replay band is open at its top
    (0.39, MatchOutcome.MATCH),       # fixture genuine pairs: 0.36-0.41
    (0.5, MatchOutcome.MATCH),        # the accept band is closed at its top
    (0.5001, MatchOutcome.MISMATCH),
    (0.8, MatchOutcome.MISMATCH),     # fixture impostors: 0.77-0.96
])
def test_bands(d: float, outcome: MatchOutcome) -> None:
    selfie, reference = at_distance(d)
    decision = decide(selfie, reference, **THRESHOLDS)
    assert decision.outcome is outcome
    assert decision.distance == pytest.approx(d, abs=1e-9)
    assert decision.matched is (outcome is MatchOutcome.MATCH)


def test_outcome_is_a_plain_string_code() -> None:
    selfie, reference = at_distance(0.3)
    assert decide(selfie, reference, **THRESHOLDS).outcome == "MATCH"


@pytest.mark.parametrize(("accept", "replay"), [(0.2, 0.2), (0.3, 0.4), (0.5, -0.1)])
def test_inconsistent_thresholds_are_refused(accept: float, replay: float) -> None:
    with pytest.raises(ValueError, match="replay_threshold"):
        decide([0.0] * 128, [0.0] * 128, accept_threshold=accept, replay_threshold=replay)


def test_mismatched_shapes_are_refused() -> None:
    with pytest.raises(ValueError, match="shape"):
        distance([0.0] * 128, [0.0] * 127)


def test_non_finite_descriptor_is_refused() -> None:
    with pytest.raises(ValueError, match="non-finite"):
        distance([math.nan] * 128, [0.0] * 128)
