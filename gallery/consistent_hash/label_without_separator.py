"""Bug: virtual node labels are node + str(i), with no separator, so names run together.

Node ``"a1"`` vnode 0 is ``"a10"``, exactly node ``"a"`` vnode 10: two nodes share
points, and which one owns them depends on nothing sensible. The contract's ``node#i``
labels, and a ring built any other way, disagree on every key.
"""

from __future__ import annotations

from solutions import consistent_hash as reference

KILLED_BY = "TestPart1Placement::test_points_are_md5_positions_of_node_labels"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"6 points at no label's position"


class HashRing(reference.HashRing):
    def labels(self, node: str) -> list[bytes]:
        # BUG: "a1" + "0" == "a" + "10" (correct: f"{node}#{i}")
        return [f"{node}{i}".encode() for i in range(self.vnodes)]
