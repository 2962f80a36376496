"""Bug: the sketch's reset empties every counter instead of halving it.

The aging step should keep half of the history (15 -> 7): wiping it forgets which keys
were popular, so right after each reset a hot key is worth no more than a stranger.
"""

from __future__ import annotations

from solutions import lfu as reference

KILLED_BY = "TestPart3Sketch::test_a_lone_key_is_counted_exactly"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"too low after a reset"


class FrequencySketch(reference.FrequencySketch):
    def reset(self) -> None:
        # BUG: four halvings take any 4-bit counter to 0, as `counters[:] = zeros` would.
        # Correct: halve once (super().reset()).
        for _ in range(4):
            super().reset()
