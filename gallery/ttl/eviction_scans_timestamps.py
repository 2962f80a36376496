"""Bug: eviction scans every entry's last-use time for the minimum: O(n) per set when full.

It evicts the right key (the seed article's `min(self.timestamps, key=...)` made LRU), but
a full cache of n entries pays n steps per new key.

Each entry carries a fourth field, the tick of its last use, so set(), get() and
_compact() (which unpacks entries) are overridden; set() is the reference's with the
eviction line replaced.
"""

from __future__ import annotations

from collections import deque
from heapq import heappush
from typing import Any

from solutions.ttl import _SLACK, CacheInfo, _check_ttl, ttl_cache
from solutions.ttl import TTLCache as _TTLCache

__all__ = ["CacheInfo", "TTLCache", "ttl_cache"]


class TTLCache(_TTLCache):
    """Entries are ``(value, expires_at, record, last_use)``."""

    __slots__ = ()

    def set(self, key: Any, value: Any, ttl: float | None = None) -> None:
        seconds = self._ttl if ttl is None else _check_ttl(ttl)
        now = self._clock()
        queue, heap = self._queue, self._heap
        if (queue and queue[0][0] <= now) or (heap and heap[0][0] <= now):
            self._purge(now)
        data = self._data
        expires = now + seconds
        record = (expires, next(self._seq), key)
        if key not in data and len(data) >= self._maxsize:
            # BUG: O(n) scan of last uses; the reference keeps `data` in use order and
            # evicts its first key in O(1): `data.popitem(last=False)`
            del data[min(data, key=lambda k: data[k][3])]
        data[key] = (value, expires, record, record[1])
        if not queue or queue[-1][0] <= expires:
            queue.append(record)
        else:
            heappush(heap, record)
        if len(queue) + len(heap) > self._limit:
            self._compact()

    def get(self, key: Any, default: Any = None) -> Any:
        entry = self._data.get(key)
        if entry is None or self._clock() >= entry[1]:
            return default
        self._data[key] = (*entry[:3], next(self._seq))  # last use, found again by a scan
        return entry[0]

    def _compact(self) -> None:
        self._queue = deque(sorted(entry[2] for entry in self._data.values()))
        self._heap = []
        self._limit = 2 * len(self._queue) + _SLACK
