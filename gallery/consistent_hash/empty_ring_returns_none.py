"""Bug: node_for() on a ring with no nodes returns None instead of raising LookupError.

The None travels on: a client connects to host None, or a cache key lands in a dict
under None, and the error surfaces far from its cause.
"""

from __future__ import annotations

from solutions import consistent_hash as reference

KILLED_BY = "TestPart1Placement::test_an_empty_ring_raises_lookup_error"
KILLED_WITH = "Failed"


class HashRing(reference.HashRing):
    def node_for(self, key: str | bytes) -> str:
        if not self.nodes:
            return None  # type: ignore[return-value]  # BUG: correct: raise LookupError
        return super().node_for(key)
