"""Bug: an L1 hit restarts the entry's l1_ttl, so a hot key is served stale for ever.

l1_ttl bounds how stale an L1 copy can be; a sliding expiry removes that bound for
exactly the keys read most often.
"""

from __future__ import annotations

from typing import Any

from solutions.multilevel import _L1, _MISSING
from solutions.multilevel import MultiLevelCache as Reference


class _SlidingL1(_L1):
    __slots__ = ()

    def get(self, key: str, now: float) -> Any:
        value = super().get(key, now)
        if value is not _MISSING:
            self._data[key] = (now + self._ttl, value)  # BUG: a hit restarts the entry's life
        return value


class MultiLevelCache(Reference):
    _l1_type = _SlidingL1
