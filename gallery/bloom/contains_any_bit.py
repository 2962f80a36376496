"""Bug: a check answers "probably" when any of the item's bits is set, not all of them.

``any()`` for ``all()``: with half the bits set, nearly every item is "probably in".
"""

from __future__ import annotations

from collections.abc import Sequence

from solutions import bloom as reference

KILLED_BY = "TestBloomMachine::runTest"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"in filter is True, expected False"


class BloomFilter(reference.BloomFilter):
    def test_bits(self, positions: Sequence[int]) -> bool:
        # BUG: any bit (correct: every bit must be set)
        return any(super(BloomFilter, self).test_bits([p]) for p in positions)
