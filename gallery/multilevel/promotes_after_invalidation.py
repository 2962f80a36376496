"""Bug: a read promotes what it fetched from L2 even if an invalidation came in meanwhile.

A get() reads 'old' from Redis; before it stores it in L1, a write changes the key and
the invalidation is applied (to an L1 that does not hold the key yet). The read then
puts 'old' into L1, where no message will ever remove it: stale until l1_ttl.
"""

from __future__ import annotations

from typing import Any

from solutions.multilevel import MultiLevelCache as Reference


class MultiLevelCache(Reference):
    def _promote(self, key: str, value: Any, version: int) -> None:
        # BUG: no check that nothing was invalidated since the read began
        # (correct: only if self._version == version)
        self._l1.put(key, value, self._clock())
