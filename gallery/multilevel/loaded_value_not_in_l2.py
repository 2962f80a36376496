"""Bug: get_or_load() keeps the loaded value in L1 only, so other instances load it again.

L2 is the level the instances share: a value loaded but never written there is loaded
once per process (and again after every L1 eviction or expiry).
"""

from __future__ import annotations

from solutions.multilevel import MultiLevelCache as Reference

KILLED_BY = "TestPart1ReadThrough::test_get_or_load_on_a_miss_fills_l2_with_ttl_then_l1"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = "did not fill L2"


class MultiLevelCache(Reference):
    def write_l2(self, key: str, data: str | bytes, *, only_if_absent: bool = False) -> bool:
        if only_if_absent:  # a loaded value
            return True  # BUG: reported stored, never written (correct: SET ... NX PX too)
        return super().write_l2(key, data)
