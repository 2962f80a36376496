"""Bug: walk() yields the owner of every point it passes, so nodes come back again and again.

With 160 virtual nodes a node shows up many times before the walk has seen every other
node: a preference list of three "replicas" may be one node three times.
"""

from __future__ import annotations

from collections.abc import Iterator

from solutions import consistent_hash as reference

KILLED_BY = "TestPart2Walk::test_walk_visits_every_node_once_in_ring_order"
KILLED_WITH = "AssertionError"


class HashRing(reference.HashRing):
    def walk(self, key: str | bytes) -> Iterator[str]:
        points = self.points
        positions = [p for p, _ in points]
        start = self.successor(positions, self.position(
            key.encode() if isinstance(key, str) else key)) if points else 0
        for i in range(len(points)):
            yield points[(start + i) % len(points)][1]  # BUG: no check for nodes seen already
