"""Bug: the fixed window counts a denied request's cost, so a fast retrier locks itself out.

Denied requests must consume nothing: a client hammering a full window would otherwise
push its count further and further above the limit.
"""

from solutions import rate_limit as reference

KILLED_BY = "TestPart1Edges::test_a_denied_hit_consumes_nothing"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"FixedWindowLimiter"


class FixedWindowLimiter(reference.FixedWindowLimiter):
    def decide(self, key: str, now: float, cost: int) -> reference.Decision:
        decision = super().decide(key, now, cost)
        if not decision.allowed:
            start, _ = self.window_of(key, now)
            self.charge(key, start, cost)  # BUG: counted though denied; only admitted hits are
        return decision
