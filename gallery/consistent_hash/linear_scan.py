"""Bug: node_for() scans the points one by one instead of a binary search.

Every answer is right, and a ring of 10 nodes hardly notices; with 1,000 nodes and 160
virtual nodes each, every lookup walks through up to 160,000 points in Python.
"""

from __future__ import annotations

from solutions import consistent_hash as reference

KILLED_BY = "test_lookups_are_logarithmic"
KILLED_WITH = "AssertionError"


class HashRing(reference.HashRing):
    def node_for(self, key: str | bytes) -> str:
        points = self.points
        if not points:
            raise LookupError("the ring has no nodes")
        if not isinstance(key, str | bytes):
            raise TypeError(f"key must be a str or bytes, got {type(key).__name__}")
        wanted = self.position(key.encode() if isinstance(key, str) else key)
        for position, node in points:  # BUG: O(n) (correct: bisect_left over the positions)
            if position >= wanted:
                return node
        return points[0][1]
