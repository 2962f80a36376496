"""Bug: XFetch adds delta * beta * log(rand) instead of subtracting it.

log(rand) <= 0, so the "early" term now pushes the decision later: nobody ever recomputes
before expiry, and readers still recompute after it (sometimes well after).
"""

from __future__ import annotations

import math

from solutions.stampede import should_recompute_early as reference

KILLED_BY = "TestPart2ShouldRecomputeEarly::test_matches_the_xfetch_formula"
KILLED_WITH = "AssertionError"


def should_recompute_early(
    expiry: float, delta: float, beta: float, now: float, rand: float
) -> bool:
    reference(expiry, delta, beta, now, rand)  # checks the arguments (its answer is unused)
    return now + delta * beta * math.log(rand) >= expiry  # BUG: sign dropped
    # (correct: now - delta * beta * math.log(rand) >= expiry)
