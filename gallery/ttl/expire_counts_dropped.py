"""Bug: expire() also counts stale records of entries already replaced, deleted or evicted.

Lazy deletion leaves stale records behind; they must be skipped, not counted.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable
from functools import update_wrapper
from heapq import heappop, heappush
from itertools import count
from threading import Lock
from typing import Any, Generic, NamedTuple, TypeVar, overload

__all__ = ["CacheInfo", "TTLCache", "ttl_cache"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
D = TypeVar("D")
R = TypeVar("R")

Clock = Callable[[], float]
_Record = tuple[float, int, Any]  # (expires_at, seq, key), queued until it is due
_Entry = tuple[V, float, _Record]  # (value, expires_at, the entry's current record)

# Records are rebuilt from the live entries once stale ones are more than this many plus
# the live count: memory stays O(live entries) and the rebuild is amortised O(log n).
_SLACK = 64


def _check_maxsize(maxsize: object) -> int:
    if isinstance(maxsize, bool) or not isinstance(maxsize, int):
        raise TypeError(f"maxsize must be an int, not {type(maxsize).__name__}")
    if maxsize < 1:
        raise ValueError(f"maxsize must be at least 1, got {maxsize}")
    return maxsize


def _check_ttl(ttl: object) -> float:
    if isinstance(ttl, bool) or not isinstance(ttl, (int, float)):
        raise TypeError(f"ttl must be a number of seconds (int or float), not {type(ttl).__name__}")
    try:
        seconds = float(ttl)
    except OverflowError:  # an int too large for a float
        seconds = math.inf
    if not 0.0 < seconds < math.inf:  # also rejects NaN
        raise ValueError(f"ttl must be a positive, finite number of seconds, got {ttl!r}")
    return seconds


class TTLCache(Generic[K, V]):
    """At most ``maxsize`` entries, each live for ``ttl`` seconds (or its own ttl) after set.

    ``get`` (on a hit) and ``set`` make a key the most recently used. Not thread-safe.
    """

    __slots__ = ("_clock", "_data", "_heap", "_limit", "_maxsize", "_queue", "_seq", "_ttl")

    def __init__(
        self, maxsize: int = 128, ttl: float = 60.0, *, clock: Clock = time.monotonic
    ) -> None:
        self._maxsize = _check_maxsize(maxsize)
        self._ttl = _check_ttl(ttl)
        self._clock = clock
        self._data: OrderedDict[K, _Entry[V]] = OrderedDict()  # least recently used first
        self._queue: deque[_Record] = deque()  # records in expiry order
        self._heap: list[_Record] = []  # records that arrived out of expiry order
        self._limit = _SLACK  # rebuild once queue and heap hold more records than this
        self._seq = count()

    def set(self, key: K, value: V, ttl: float | None = None) -> None:
        """Store ``value`` under ``key`` for ``ttl`` seconds (default: the cache's ttl)."""
        seconds = self._ttl if ttl is None else _check_ttl(ttl)
        now = self._clock()
        queue, heap = self._queue, self._heap
        if (queue and queue[0][0] <= now) or (heap and heap[0][0] <= now):
            self._purge(now)
        data = self._data
        expires = now + seconds
        record = (expires, next(self._seq), key)
        if key in data:  # live, since the purge; an unhashable key raises here, unchanged
            data.move_to_end(key)
        elif len(data) >= self._maxsize:
            data.popitem(last=False)  # only live entries are left: this is the LRU one
        data[key] = (value, expires, record)
        # With one ttl and a clock that never goes back, expiry order is arrival order.
        if not queue or queue[-1][0] <= expires:
            queue.append(record)
        else:
            heappush(heap, record)
        if len(queue) + len(heap) > self._limit:
            self._compact()

    @overload
    def get(self, key: K) -> V | None: ...
    @overload
    def get(self, key: K, default: D) -> V | D: ...

    def get(self, key: K, default: object = None) -> object:
        """The live value for ``key`` (a use), else ``default``."""
        data = self._data
        entry = data.get(key)
        if entry is None or self._clock() >= entry[1]:
            return default
        data.move_to_end(key)
        return entry[0]

    def remaining(self, key: K) -> float | None:
        """Seconds until ``key`` expires, or ``None`` if it is missing or expired."""
        entry = self._data.get(key)
        if entry is None:
            return None
        left = entry[1] - self._clock()
        return left if left > 0 else None

    def delete(self, key: K) -> bool:
        """Remove ``key``; ``True`` if a live entry was removed."""
        entry = self._data.pop(key, None)  # its record goes stale
        return entry is not None and self._clock() < entry[1]

    def expire(self) -> int:
        """Drop every expired entry now; return how many this call removed."""
        return self._purge(self._clock())

    def clear(self) -> None:
        self._data.clear()
        self._queue.clear()
        self._heap.clear()
        self._limit = _SLACK

    def __len__(self) -> int:
        """The number of live entries (expired ones are dropped on the way)."""
        self._purge(self._clock())
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        entry = self._data.get(key)  # type: ignore[arg-type]
        return entry is not None and self._clock() < entry[1]

    def __repr__(self) -> str:
        return f"{type(self).__name__}(maxsize={self._maxsize}, ttl={self._ttl}, live={len(self)})"

    def _purge(self, now: float) -> int:
        """Pop every record due at ``now``; drop the entries they still stand for."""
        data, queue, heap = self._data, self._queue, self._heap
        removed = 0
        while queue and queue[0][0] <= now:
            record = queue.popleft()
            entry = data.get(record[2])
            removed += 1  # BUG: a stale record is counted too
            if entry is not None and entry[2] is record:  # else stale: key re-set or gone
                del data[record[2]]
        while heap and heap[0][0] <= now:
            record = heappop(heap)
            entry = data.get(record[2])
            if entry is not None and entry[2] is record:
                del data[record[2]]
                removed += 1
        return removed

    def _compact(self) -> None:
        """Keep only the live entries' records, all in the queue: the stale ones are most."""
        self._queue = deque(sorted(record for _, _, record in self._data.values()))
        self._heap = []
        self._limit = 2 * len(self._queue) + _SLACK


class CacheInfo(NamedTuple):
    hits: int
    misses: int
    maxsize: int
    currsize: int


class _HashedSeq(list[Any]):
    """A key tuple that hashes once: the cache looks a key up several times per call."""

    __slots__ = ("hashvalue",)

    def __init__(self, items: tuple[Any, ...]) -> None:
        self[:] = items
        self.hashvalue = hash(items)  # raises TypeError for an unhashable argument

    def __hash__(self) -> int:  # type: ignore[override]
        return self.hashvalue


_KWD_MARK = (object(),)  # separates positional from keyword arguments in a key
_FAST_TYPES = frozenset({int, str})


def _make_key(args: tuple[Any, ...], kwds: dict[str, Any], typed: bool) -> Hashable:
    """The cache key for one call, as ``functools`` builds it (keyword order matters)."""
    key = args
    if kwds:
        key += _KWD_MARK
        for item in kwds.items():
            key += item
    if typed:
        key += tuple(type(v) for v in args)
        if kwds:
            key += tuple(type(v) for v in kwds.values())
    elif len(key) == 1 and type(key[0]) in _FAST_TYPES:
        return key[0]  # type: ignore[no-any-return]
    return _HashedSeq(key)


def ttl_cache(
    maxsize: int = 128, ttl: float = 60.0, *, clock: Clock = time.monotonic, typed: bool = False
) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """Memoise a function in a ``TTLCache(maxsize, ttl, clock=clock)``.

    Results (``None`` included) are cached for ``ttl`` seconds; exceptions are not cached.
    ``typed=True`` caches arguments of different types apart (``3`` and ``3.0``). The wrapper
    has ``cache_info()`` (``currsize`` counts live entries) and ``cache_clear()``.
    """
    _check_maxsize(maxsize)
    _check_ttl(ttl)

    def decorating_function(user_function: Callable[..., R]) -> Callable[..., R]:
        cache: TTLCache[Hashable, R] = TTLCache(maxsize, ttl, clock=clock)
        cache_get, cache_set = cache.get, cache.set
        lock = Lock()
        missing = object()
        hits = misses = 0

        def wrapper(*args: Any, **kwds: Any) -> R:
            nonlocal hits, misses
            key = _make_key(args, kwds, typed)
            with lock:
                result = cache_get(key, missing)
                if result is not missing:
                    hits += 1
                    return result  # type: ignore[return-value]
                misses += 1
            result = user_function(*args, **kwds)
            with lock:
                cache_set(key, result)
            return result

        def cache_info() -> CacheInfo:
            with lock:
                return CacheInfo(hits, misses, maxsize, len(cache))

        def cache_clear() -> None:
            nonlocal hits, misses
            with lock:
                cache.clear()
                hits = misses = 0

        wrapper.cache_info = cache_info  # type: ignore[attr-defined]
        wrapper.cache_clear = cache_clear  # type: ignore[attr-defined]
        return update_wrapper(wrapper, user_function)

    return decorating_function
