"""Bug: the sketch never ages: reset() does nothing, so the counters only ever grow.

After a while every key that was ever popular sits at 15, the counters stop telling keys
apart, and yesterday's favourites beat today's forever.
"""

from __future__ import annotations

from solutions import lfu as reference

KILLED_BY = "TestPart3Sketch::test_a_lone_key_is_counted_exactly"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"too high after a reset"


class FrequencySketch(reference.FrequencySketch):
    def reset(self) -> None:
        pass  # BUG: no halving. Correct: halve every counter and empty the doorkeeper.
