"""Bug: owner() takes the slot modulo 16384 "to be safe" instead of checking it.

-1 silently becomes 16383, 16384 becomes 0 and True becomes 1: a caller's bug (a slot
computed wrongly, a flag passed by mistake) gets an answer instead of an error.
"""

from __future__ import annotations

from solutions import consistent_hash as reference

KILLED_BY = "TestPart3SlotMap::test_bad_input"
KILLED_WITH = "Failed"


class SlotMap(reference.SlotMap):
    def owner(self, slot: int) -> str:
        return super().owner(int(slot) % reference.SLOTS)  # BUG: correct: check, do not wrap
