"""Bug: expire() also counts stale records of entries already replaced, deleted or evicted.

Lazy deletion leaves stale records behind; they must be skipped, not counted.
"""

from __future__ import annotations

from heapq import heappop

from solutions.ttl import CacheInfo, ttl_cache
from solutions.ttl import TTLCache as _TTLCache

__all__ = ["CacheInfo", "TTLCache", "ttl_cache"]


class TTLCache(_TTLCache):
    __slots__ = ()

    def _purge(self, now: float) -> int:
        data, queue, heap = self._data, self._queue, self._heap
        removed = 0
        while queue and queue[0][0] <= now:
            record = queue.popleft()
            removed += 1  # BUG: a stale record is counted too
            entry = data.get(record[2])
            if entry is not None and entry[2] is record:  # else stale: key re-set or gone
                del data[record[2]]  # the reference counts here, and only here
        while heap and heap[0][0] <= now:
            record = heappop(heap)
            entry = data.get(record[2])
            if entry is not None and entry[2] is record:
                del data[record[2]]
                removed += 1
        return removed
