"""A first attempt: a dict of entries plus a heap of expiry times, with lazy deletion.

Mistakes in it:
1. The expiry check is `now > expires`: at exactly t + ttl an entry is still live.
2. expire() counts every heap record it pops, stale ones included (a key set three times
   counts three).
3. ttl_cache treats a cached None as a miss (`if result is not None`).
"""

from __future__ import annotations

import heapq
import itertools
import math
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import update_wrapper
from threading import RLock
from typing import Any, NamedTuple

__all__ = ["CacheInfo", "TTLCache", "ttl_cache"]


@dataclass
class _Entry:
    value: Any
    expires: float
    seq: int


def _valid_ttl(ttl: object, name: str = "ttl") -> float:
    if isinstance(ttl, bool) or not isinstance(ttl, (int, float)):
        raise TypeError(f"{name} must be an int or float, not {type(ttl).__name__}")
    if not (0 < ttl < math.inf):
        raise ValueError(f"{name} must be > 0 and finite, not {ttl!r}")
    return float(ttl)


class TTLCache:
    """LRU order in an OrderedDict; expiry order in a heap of (expires, seq, key)."""

    def __init__(self, maxsize: int = 128, ttl: float = 60.0, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if isinstance(maxsize, bool) or not isinstance(maxsize, int):
            raise TypeError(f"maxsize must be an int, not {type(maxsize).__name__}")
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1")
        self._maxsize = maxsize
        self._ttl = _valid_ttl(ttl)
        self._clock = clock
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._heap: list[tuple[float, int, Hashable]] = []
        self._counter = itertools.count()

    def _alive(self, entry: _Entry | None) -> bool:
        return entry is not None and not self._clock() > entry.expires

    def _pop_expired(self) -> int:
        now = self._clock()
        popped = 0
        while self._heap and self._heap[0][0] < now:
            _, seq, key = heapq.heappop(self._heap)
            popped += 1
            entry = self._entries.get(key)
            if entry is not None and entry.seq == seq:
                del self._entries[key]
        return popped

    def set(self, key: Hashable, value: Any, ttl: float | None = None) -> None:
        seconds = self._ttl if ttl is None else _valid_ttl(ttl)
        self._pop_expired()
        hash(key)
        if key in self._entries:
            del self._entries[key]
        elif len(self._entries) >= self._maxsize:
            self._entries.popitem(last=False)
        seq = next(self._counter)
        expires = self._clock() + seconds
        self._entries[key] = _Entry(value, expires, seq)
        heapq.heappush(self._heap, (expires, seq, key))
        if len(self._heap) > 2 * len(self._entries) + 32:
            self._heap = [(e.expires, e.seq, k) for k, e in self._entries.items()]
            heapq.heapify(self._heap)

    def get(self, key: Hashable, default: Any = None) -> Any:
        entry = self._entries.get(key)
        if not self._alive(entry):
            return default
        self._entries.move_to_end(key)
        return entry.value  # type: ignore[union-attr]

    def remaining(self, key: Hashable) -> float | None:
        entry = self._entries.get(key)
        if not self._alive(entry):
            return None
        return entry.expires - self._clock()  # type: ignore[union-attr]

    def delete(self, key: Hashable) -> bool:
        entry = self._entries.pop(key, None)
        return self._alive(entry)

    def expire(self) -> int:
        return self._pop_expired()

    def clear(self) -> None:
        self._entries.clear()
        self._heap.clear()

    def __len__(self) -> int:
        self._pop_expired()
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return self._alive(self._entries.get(key))  # type: ignore[arg-type]


class CacheInfo(NamedTuple):
    hits: int
    misses: int
    maxsize: int
    currsize: int


class _Key(tuple):  # type: ignore[type-arg]
    """Hashes once."""

    def __new__(cls, items: tuple[Any, ...]) -> _Key:
        self = super().__new__(cls, items)
        self._hash = tuple.__hash__(self)  # type: ignore[attr-defined]
        return self

    def __hash__(self) -> int:
        return self._hash  # type: ignore[attr-defined, no-any-return]


_SEP = object()


def ttl_cache(maxsize: int = 128, ttl: float = 60.0, *,
              clock: Callable[[], float] = time.monotonic, typed: bool = False) -> Any:
    TTLCache(maxsize, ttl, clock=clock)  # validates the arguments now

    def decorating(fn: Callable[..., Any]) -> Any:
        cache = TTLCache(maxsize, ttl, clock=clock)
        lock = RLock()
        counts = [0, 0]

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            parts = args + ((_SEP, *kwargs.items()) if kwargs else ())
            if typed:
                parts += tuple(map(type, args)) + tuple(map(type, kwargs.values()))
            key = _Key(parts)
            with lock:
                result = cache.get(key)
                if result is not None:
                    counts[0] += 1
                    return result
                counts[1] += 1
            result = fn(*args, **kwargs)
            with lock:
                cache.set(key, result)
            return result

        def cache_info() -> CacheInfo:
            with lock:
                return CacheInfo(counts[0], counts[1], maxsize, len(cache))

        def cache_clear() -> None:
            with lock:
                cache.clear()
                counts[:] = [0, 0]

        wrapper.cache_info = cache_info  # type: ignore[attr-defined]
        wrapper.cache_clear = cache_clear  # type: ignore[attr-defined]
        return update_wrapper(wrapper, fn)

    return decorating


# The first failure a learner sees, checked by make verify:
KILLED_BY = "TestPart1Basics::test_expiry_boundary"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"at exactly t \+ ttl"
LOOKS_LIKE = ("expiry_boundary_off_by_one",)
