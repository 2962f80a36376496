"""Bug: stats() counts get_or_load()'s misses as L2 hits.

The hit ratio looks better than it is: every load the loader had to do shows up as a hit.
"""

from __future__ import annotations

from solutions.multilevel import MultiLevelCache as Reference

KILLED_BY = "TestPart1ReadThrough::test_get_or_load_on_a_miss_fills_l2_with_ttl_then_l1"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"stats\(\) is .*get_or_load"


class MultiLevelCache(Reference):
    def record_read(self, operation: str, level: str) -> None:
        if operation == "get_or_load" and level == "misses":
            level = "l2_hits"  # BUG: a load counted as a hit (correct: a miss is a miss)
        super().record_read(operation, level)
