"""Bug: the fixed window's retry_after is always the whole window, not the time left in it.

A client told to wait `window` seconds waits too long: the budget comes back at the next
aligned window start, which may be a moment away.
"""

from dataclasses import replace

from solutions import rate_limit as reference

KILLED_BY = "TestPart1Edges::test_fixed_windows_are_aligned_on_multiples_of_window"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"retry_after=10"


class FixedWindowLimiter(reference.FixedWindowLimiter):
    def decide(self, key: str, now: float, cost: int) -> reference.Decision:
        decision = super().decide(key, now, cost)
        if decision.allowed:
            return decision
        # BUG: a whole window; correct: the time left until the next aligned window start,
        # end - now, which the reference's decision already holds
        return replace(decision, retry_after=self.window)
