"""Bug: add() raises once the filter holds capacity items, as pybloom-live does.

Capacity is what the filter was sized for, not a hard limit: past it the false-positive
rate rises gradually. Raising turns a full filter into an outage of every writer; the
contract says an overfull filter keeps working.
"""

from __future__ import annotations

from solutions import bloom as reference

KILLED_BY = "TestBloomMachine::runTest"
KILLED_WITH = "IndexError"


class BloomFilter(reference.BloomFilter):
    def add(self, item: str | bytes) -> bool:
        if len(self) >= self.capacity:
            raise IndexError("BloomFilter is at capacity")  # BUG: (correct: keep adding)
        return super().add(item)
