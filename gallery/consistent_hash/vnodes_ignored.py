"""Bug: every node gets one point on the ring, whatever vnodes says.

With one point per node the arcs between points are wildly uneven: one node of ten can
own a third of the keys, another almost none, and removing a node dumps its whole load
on a single neighbour. Virtual nodes exist to average that out.
"""

from __future__ import annotations

from solutions import consistent_hash as reference

KILLED_BY = "TestPart1Placement::test_points_are_md5_positions_of_node_labels"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"has 2 points, expected 6"


class HashRing(reference.HashRing):
    def labels(self, node: str) -> list[bytes]:
        return [f"{node}#0".encode()]  # BUG: one point (correct: vnodes labels node#0 ..)
