"""Bug: the sliding counter adds the whole previous window instead of weighting it.

estimate = previous * (1 - elapsed / window) + current. Without the weight the limiter
admits about half as much as it should near the start of a window.
"""

from solutions import rate_limit as reference

KILLED_BY = "TestPart1Edges::test_sliding_counter_weights_the_previous_window"
KILLED_WITH = "AssertionError"


class SlidingWindowCounterLimiter(reference.SlidingWindowCounterLimiter):
    def weight(self, elapsed: float) -> float:
        return 1.0  # BUG: the whole previous window counts; correct: 1 - elapsed / window
