"""Bug: a leaving node's slots all go to one node (the first by name), not to the emptiest.

Only the leaver's slots move, so the move count is minimal, but the map is no longer
even: one node now serves its share plus the leaver's whole share.
"""

from __future__ import annotations

from solutions import consistent_hash as reference

KILLED_BY = "TestSlotMapMachine::runTest"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"after remove_node\(.*should own"


class SlotMap(reference.SlotMap):
    def recipient(self, counts: dict[str, int]) -> str:
        return min(counts)  # BUG: ignores the counts (correct: fewest slots, then the name)
