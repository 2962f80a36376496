"""Bug: virtual nodes are numbered 1 .. vnodes instead of 0 .. vnodes - 1.

The count is right and the ring looks healthy, but every node's points differ from the
contract's by one: a client written to the contract (in another language, say) puts a
share of the keys on other nodes than this one does.
"""

from __future__ import annotations

from solutions import consistent_hash as reference

KILLED_BY = "TestPart1Placement::test_points_are_md5_positions_of_node_labels"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"extra points at the labels \['b#3', 'a#3'\]"


class HashRing(reference.HashRing):
    def labels(self, node: str) -> list[bytes]:
        # BUG: starts at 1 (correct: range(self.vnodes), from node#0)
        return [f"{node}#{i}".encode() for i in range(1, self.vnodes + 1)]
