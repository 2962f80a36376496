"""Bug: add() returns whether the item was already there, pybloom-live's meaning, inverted.

The contract's add() answers "did this change the filter?" (True for a new item), like a
set insert that reports success; returning "already present" flips every caller's test.
"""

from __future__ import annotations

from solutions import bloom as reference

KILLED_BY = "TestBloomMachine::runTest"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"add\(.*\) returned (True|False), expected"


class BloomFilter(reference.BloomFilter):
    def add(self, item: str | bytes) -> bool:
        return not super().add(item)  # BUG: "was present" (correct: "changed the filter")
