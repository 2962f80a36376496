"""Bug: lookups use bisect_right, so a key exactly on a point goes to the next point.

The contract says "at or after": a key whose position equals a point's belongs to that
point. ``bisect_right`` (``bisect.bisect``) returns the index after equal positions;
most keys never notice, the ones that do land on another node than every other client
computes (uhashring makes this choice; ketama clients do not).
"""

from __future__ import annotations

from bisect import bisect_right

from solutions import consistent_hash as reference

KILLED_BY = "TestPart1Placement::test_a_key_on_a_point_belongs_to_that_point"
KILLED_WITH = "AssertionError"


class HashRing(reference.HashRing):
    @staticmethod
    def successor(positions: list[int], position: int) -> int:
        index = bisect_right(positions, position)  # BUG: after equals (correct: bisect_left)
        return 0 if index == len(positions) else index
