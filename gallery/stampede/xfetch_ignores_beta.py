"""Bug: XFetch ignores beta, so the early window cannot be tuned (and beta=0 still gambles).
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
    return now - delta * math.log(rand) >= expiry  # BUG: beta left out
    # (correct: now - delta * beta * math.log(rand) >= expiry)
