"""Bug: get_or_load() skips L2 on an L1 miss and calls the loader, though Redis has the value.

Every process (and every L1 eviction or expiry) pays for a load that L2 could have saved.
"""

from __future__ import annotations

from typing import Any

from solutions.multilevel import MISSING
from solutions.multilevel import MultiLevelCache as Reference

KILLED_BY = "TestPart1ReadThrough::test_get_or_load_on_an_l2_hit_does_not_call_loader"
KILLED_WITH = "Failed"


class MultiLevelCache(Reference):
    def read_l2(self, operation: str, key: str) -> Any:
        if operation == "get_or_load":
            return MISSING  # BUG: L2 never consulted (correct: GET it, as get() does)
        return super().read_l2(operation, key)
