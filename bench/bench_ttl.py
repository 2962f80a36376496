"""``ttl`` benchmark row: the module's TTLCache against ``cachetools.TTLCache``.

One Zipf key stream (10k keys, capacity 1000) drives both contenders with a get-or-set mix
(``get``; on a miss, ``set``). Time is a fake clock that the loop moves forward a little
before every operation, the same for both, so entries really expire: an entry lives for
``TTL / STEP`` operations unless it is evicted first, and hot keys, read but not re-set,
expire and are set again once per lifetime.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from functools import partial
from operator import getitem
from types import ModuleType
from typing import Any

import cachetools

from bench.common import CAPACITY, OPS, QUICK_OPS, Row, ops_per_second, zipf_keys

TTL = 0.5  # seconds of fake time
STEP = 0.0001  # fake seconds per operation: an entry lives 5,000 operations

_MISSING = object()


class CachetoolsTTL:
    """``cachetools.TTLCache`` behind the same get/set interface."""

    def __init__(self, maxsize: int, ttl: float, *, clock: Callable[[], float]) -> None:
        self._cache: cachetools.TTLCache[Hashable, Any] = cachetools.TTLCache(
            maxsize, ttl, timer=clock
        )
        self.get = self._cache.get

    def set(self, key: Hashable, value: Any) -> None:
        self._cache[key] = value


def _get_or_set(make: Callable[..., Any], keys: list[int]) -> Callable[[], object]:
    def run() -> object:
        now = [1_000.0]
        cache = make(CAPACITY, TTL, clock=partial(getitem, now, 0))
        get, set_ = cache.get, cache.set
        for key in keys:
            now[0] += STEP
            if get(key, _MISSING) is _MISSING:
                set_(key, key)
        return cache

    return run


def rows(module: ModuleType, quick: bool = False) -> list[Row]:
    ops = QUICK_OPS if quick else OPS
    keys = zipf_keys(ops)
    ours = ops_per_second(_get_or_set(module.TTLCache, keys), ops)
    baseline = ops_per_second(_get_or_set(CachetoolsTTL, keys), ops)
    mix = (
        f"Zipf over 10k keys, capacity {CAPACITY}, {ops:,} ops, "
        f"ttl {TTL:g}s, fake clock +{STEP:g}s per op"
    )
    return [
        Row("ttl", "TTLCache get-or-set", ours, "ops/s", "cachetools.TTLCache", baseline,
            target=4.0, note=mix),
    ]
