"""Bug: the operation count is never restarted, so after the first decay every operation decays.

`if operations >= decay_every` with no reset: the first decay comes on time, and from
then on frequencies are halved after every get and put, so nothing ever gets above 2.
"""

from __future__ import annotations

from solutions import lfu as reference

KILLED_BY = "TestDecayMachine::runTest"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"none is due"


class LFUCache(reference.LFUCache):
    operations = 0

    def count_operation(self) -> None:
        self.operations += 1
        # BUG: the count goes on past decay_every. Correct: when it reaches decay_every,
        # set it back to 0, then decay.
        if self.decay_every is not None and self.operations >= self.decay_every:
            self.decay()
