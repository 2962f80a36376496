"""Bug: an L2 hit is returned but not promoted into L1, so every read of it goes to Redis.

Only set() and get_or_load()'s loads fill L1: a value written by another instance is read
from Redis every time, and L1 saves nothing for it.
"""

from __future__ import annotations

from typing import Any

from solutions.multilevel import _MISSING, _UNDECODABLE
from solutions.multilevel import MultiLevelCache as Reference


class MultiLevelCache(Reference):
    def _after_l2_read(self, key: str, value: Any, version: int, default: Any) -> Any:
        with self._lock:
            if value is _MISSING or value is _UNDECODABLE:
                self._misses += 1
                return default
            self._l2_hits += 1
            # BUG: the L2 hit is not put into L1 (correct: self._promote(key, value, version))
            return value
