"""Bug: assign() places the key afresh every time, so after a node joins, keys hop to it.

An assigned key must stay where it is: its data is cached on that node. Releasing and
re-placing it on every call moves it as soon as the ring or the loads change, and each
move is a cache miss (plus a stale copy left behind).
"""

from __future__ import annotations

from solutions import consistent_hash as reference

KILLED_BY = "TestPart2BoundedLoads::test_assign_is_sticky_and_str_and_bytes_are_one_key"
KILLED_WITH = "AssertionError"


class BoundedLoadRing(reference.BoundedLoadRing):
    def assign(self, key: str | bytes) -> str:
        self.release(key)  # BUG: forgets where the key is (correct: return node_of(key) if set)
        return super().assign(key)
