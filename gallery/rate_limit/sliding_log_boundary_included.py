"""Bug: the sliding log keeps a hit exactly `window` seconds old, counting [t - window, t].

The window is the half-open interval (t - window, t]: a hit made at t - window has left
it. Off by one instant, a client allowed once per second is refused at exactly 1 s.
"""

from solutions import rate_limit as reference

KILLED_BY = "TestPart1Edges::test_sliding_log_counts_the_half_open_interval"
KILLED_WITH = "AssertionError"


class SlidingWindowLogLimiter(reference.SlidingWindowLogLimiter):
    def has_left(self, stamp: float, now: float) -> bool:
        return stamp < now - self.window  # BUG: still in at exactly t - window; correct: <=
