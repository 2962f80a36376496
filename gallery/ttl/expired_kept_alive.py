"""Bug: set() drops expired entries only when the cache is full, so they stay referenced.

A write-only cache below maxsize keeps every expired value alive (a memory leak that only
weakref can see: get() still hides them).

The reference's set() purges inside its own body, so this override is a copy of that
method with the purge moved under the "full" test.
"""

from __future__ import annotations

from heapq import heappush
from typing import Any

from solutions.ttl import CacheInfo, _check_ttl, ttl_cache
from solutions.ttl import TTLCache as _TTLCache

__all__ = ["CacheInfo", "TTLCache", "ttl_cache"]


class TTLCache(_TTLCache):
    __slots__ = ()

    def set(self, key: Any, value: Any, ttl: float | None = None) -> None:
        seconds = self._ttl if ttl is None else _check_ttl(ttl)
        now = self._clock()
        data, queue, heap = self._data, self._queue, self._heap
        # BUG: reclaims only when full; the reference purges whenever a record is due:
        # `if (queue and queue[0][0] <= now) or (heap and heap[0][0] <= now):`
        if len(data) >= self._maxsize:
            self._purge(now)
        expires = now + seconds
        record = (expires, next(self._seq), key)
        if key in data:
            data.move_to_end(key)
        elif len(data) >= self._maxsize:
            data.popitem(last=False)
        data[key] = (value, expires, record)
        if not queue or queue[-1][0] <= expires:
            queue.append(record)
        else:
            heappush(heap, record)
        if len(queue) + len(heap) > self._limit:
            self._compact()
