"""Bug: the sliding counter keeps one count for all keys, so one busy key throttles everyone.

Each key must have its own budget: user A's traffic must not deny user B.
"""

from solutions import rate_limit as reference

KILLED_BY = "TestPart1Edges::test_keys_have_independent_budgets"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"SlidingWindowCounterLimiter"


class SlidingWindowCounterLimiter(reference.SlidingWindowCounterLimiter):
    def decide(self, key: str, now: float, cost: int) -> reference.Decision:
        return super().decide("everyone", now, cost)  # BUG: one budget; correct: key
