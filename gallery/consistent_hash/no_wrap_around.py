"""Bug: a key past the last point goes to the last point instead of wrapping to the first.

The ring is a circle: after the highest position comes position 0. Clamping the index
to the end of the list (to avoid an IndexError) gives the keys in the last arc to the
wrong node, and that node then owns two arcs.
"""

from __future__ import annotations

from bisect import bisect_left

from solutions import consistent_hash as reference

KILLED_BY = "TestPart1Placement::test_keys_past_the_last_point_wrap_round_to_the_first"
KILLED_WITH = "AssertionError"


class HashRing(reference.HashRing):
    @staticmethod
    def successor(positions: list[int], position: int) -> int:
        index = bisect_left(positions, position)
        # BUG: clamps to the last point (correct: past the end, wrap to index 0)
        return min(index, len(positions) - 1)
