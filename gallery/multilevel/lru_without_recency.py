"""Bug: an L1 hit does not make the key most recently used, so L1 evicts in insertion order.

That is FIFO, not LRU: the hottest key is evicted as soon as it is the oldest inserted.
"""

from __future__ import annotations

from typing import Any

from solutions.multilevel import _L1, _MISSING
from solutions.multilevel import MultiLevelCache as Reference


class _FifoL1(_L1):
    __slots__ = ()

    def get(self, key: str, now: float) -> Any:
        entry = self._data.get(key)
        if entry is None:
            return _MISSING
        expires_at, value = entry
        if now >= expires_at:
            del self._data[key]
            return _MISSING
        return value  # BUG: no self._data.move_to_end(key): a hot key is evicted as if unused


class MultiLevelCache(Reference):
    _l1_type = _FifoL1
