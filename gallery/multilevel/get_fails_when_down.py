"""Bug: get() on an L1 miss raises when Redis is down instead of returning the default.

A cache is an optimisation: an outage of Redis must make reads slower, not fail them.
"""

from __future__ import annotations

from typing import Any

from solutions.multilevel import _MISSING, _check_key
from solutions.multilevel import MultiLevelCache as Reference


class MultiLevelCache(Reference):
    def get(self, key: str, default: Any = None) -> Any:
        _check_key(key)
        self.process_invalidations()
        value, version = self._l1_lookup(key)
        if value is not _MISSING:
            return value
        value = self._read_l2(key)  # BUG: a Redis outage escapes (correct: UNAVAILABLE -> miss)
        return self._after_l2_read(key, value, version, default)
