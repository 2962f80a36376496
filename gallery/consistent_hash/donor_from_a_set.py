"""Bug: the node that gives up a slot is picked by iterating a set, so ties differ per process.

Every map is even and minimal, but among nodes with equally many slots the choice follows
the set's order, which follows hash(), which changes with every process: two processes
replaying the same joins compute different maps.
"""

from __future__ import annotations

from solutions import consistent_hash as reference

KILLED_BY = "test_the_slot_map_is_the_same_in_every_process"
KILLED_WITH = "AssertionError"


class SlotMap(reference.SlotMap):
    def donor(self, counts: dict[str, int]) -> str:
        # BUG: ties follow the set's hash order (correct: most slots, then the first name)
        return max(set(counts), key=counts.__getitem__)
