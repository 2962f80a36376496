"""Bug: len() counts every add() call, so adding one item twice counts two.

The count is the adds that changed the filter: adding an item again (or an item that is
already a false positive) sets no bit and must not count.
"""

from __future__ import annotations

from solutions import bloom as reference

KILLED_BY = "TestBloomMachine::runTest"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"len\(\) is \d+, expected"


class BloomFilter(reference.BloomFilter):
    def __init__(self, capacity: int, error_rate: float) -> None:
        super().__init__(capacity, error_rate)
        self.adds = 0

    def add(self, item: str | bytes) -> bool:
        changed = super().add(item)
        self.adds += 1  # BUG: counts duplicates (correct: only when changed is True)
        return changed

    def clear(self) -> None:
        super().clear()
        self.adds = 0

    def __len__(self) -> int:
        return self.adds
