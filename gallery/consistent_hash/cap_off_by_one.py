"""Bug: a node is taken while its load is <= the cap, so it ends up with cap + 1 keys.

The cap is the most keys a node may hold *after* taking this one: a node is eligible while
it holds fewer than the cap (``<``). With ``<=`` every node can overshoot by one, and the
bound the whole scheme promises is gone.
"""

from __future__ import annotations

from solutions import consistent_hash as reference

KILLED_BY = "TestPart2BoundedLoads::test_a_key_overflows_to_the_next_node_round_the_ring"
KILLED_WITH = "AssertionError"


class BoundedLoadRing(reference.BoundedLoadRing):
    def choose(self, key: bytes, keys: int) -> str:
        cap = self.capacity(keys)
        loads = self.loads
        for node in self.walk(key):
            if loads[node] <= cap:  # BUG: one too many (correct: loads[node] < cap)
                return node
        raise RuntimeError(f"no node below the capacity {cap}")
