"""Bug: a joining node takes the high end of its even share, ceil(16384 / n), not the floor.

Both leave the map even, but when 16384 is not a multiple of n the ceiling moves one slot
more than needed on every join. A slot moved is a slot migrated, key by key, while
clients get ASK redirects: the fewest is the point.
"""

from __future__ import annotations

from solutions import consistent_hash as reference

KILLED_BY = "TestSlotMapMachine::runTest"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"the fewest that leave the map even is"


class SlotMap(reference.SlotMap):
    def newcomer_share(self, nodes: int) -> int:
        return -(-reference.SLOTS // nodes)  # BUG: the ceiling (correct: SLOTS // nodes)
