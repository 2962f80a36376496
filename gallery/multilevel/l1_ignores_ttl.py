"""Bug: L1 entries never expire, so a value changed behind the cache's back is served for ever.

Pub/sub only covers writes made through an instance; l1_ttl is what bounds staleness for
everything else (a lost message, a write straight to Redis, an expired L2 entry).
"""

from __future__ import annotations

from typing import Any

from solutions.multilevel import _L1, _MISSING
from solutions.multilevel import MultiLevelCache as Reference


class _TimelessL1(_L1):
    __slots__ = ()

    def get(self, key: str, now: float) -> Any:
        entry = self._data.get(key)
        if entry is None:
            return _MISSING
        _, value = entry  # BUG: the expiry time is never checked (correct: miss if now >= it)
        self._data.move_to_end(key)
        return value


class MultiLevelCache(Reference):
    _l1_type = _TimelessL1
