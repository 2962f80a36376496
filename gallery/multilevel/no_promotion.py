"""Bug: an L2 hit is returned but not promoted into L1, so every read of it goes to Redis.

Only set() fills L1: a value written by another instance, or loaded, is read from Redis
every time, and L1 saves nothing for it.
"""

from __future__ import annotations

from typing import Any

from solutions.multilevel import MultiLevelCache as Reference

KILLED_BY = "TestPart1ReadThrough::test_l2_hit_is_promoted_into_l1"
KILLED_WITH = "AssertionError"


class MultiLevelCache(Reference):
    def promote(self, key: str, value: Any, version: int) -> None:
        pass  # BUG: L1 is not filled (correct: put it into L1 if still_current(version))
