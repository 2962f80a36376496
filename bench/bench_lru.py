"""``lru`` benchmark rows: the module's LRUCache and lru_cache against their baselines.

One Zipf key stream (10k keys, capacity 1000) drives every contender:

- ``LRUCache``: a get-or-put mix (``get``; on a miss, ``put``), against an LRU class built
  on ``collections.OrderedDict`` (``bench.common.OrderedDictLRU``, idiomatic) and
  ``cachetools.LRUCache``.
- ``lru_cache``: calls of a decorated one-argument function, against CPython's
  pure-Python ``functools`` wrapper (the module imported with ``_functools`` blocked).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from types import ModuleType
from typing import Any

import cachetools

from bench.common import (
    CAPACITY,
    OPS,
    QUICK_OPS,
    OrderedDictLRU,
    Row,
    get_or_put,
    interleaved,
    zipf_keys,
)


class CachetoolsLRU:
    """``cachetools.LRUCache`` behind the same get/put interface."""

    def __init__(self, capacity: int) -> None:
        self._cache: cachetools.LRUCache[Hashable, Any] = cachetools.LRUCache(capacity)
        self.get = self._cache.get

    def put(self, key: Hashable, value: Any) -> None:
        self._cache[key] = value


def _calls(decorator: Callable[..., Any], keys: list[int]) -> Callable[[], object]:
    def run() -> object:
        def square(n: int) -> int:
            return n * n

        cached = decorator(maxsize=CAPACITY)(square)
        for key in keys:
            cached(key)
        return cached

    return run


def _pure_python_lru_cache() -> Callable[..., Any]:
    from test.support.import_helper import import_fresh_module  # type: ignore[import-not-found]

    functools_py = import_fresh_module("functools", blocked=["_functools"])
    assert functools_py is not None
    decorator: Callable[..., Any] = functools_py.lru_cache
    return decorator


def rows(module: ModuleType, quick: bool = False) -> list[Row]:
    ops = QUICK_OPS if quick else OPS
    keys = zipf_keys(ops)
    speed = interleaved({
        "ours": get_or_put(module.LRUCache, keys),
        "ordered": get_or_put(OrderedDictLRU, keys),
        "cachetools": get_or_put(CachetoolsLRU, keys),
        "decorated": _calls(module.lru_cache, keys),
        "pure_python": _calls(_pure_python_lru_cache(), keys),
    }, ops)
    mix = f"Zipf over 10k keys, capacity {CAPACITY}, {ops:,} ops, best of 5"
    return [
        Row("lru", "LRUCache get-or-put", speed["ours"], "ops/s", "OrderedDict LRU class",
            speed["ordered"], target=1.0, note=mix),
        Row("lru", "LRUCache get-or-put", speed["ours"], "ops/s", "cachetools.LRUCache",
            speed["cachetools"], target=2.0),
        Row("lru", "lru_cache calls", speed["decorated"], "ops/s",
            "functools pure-Python wrapper", speed["pure_python"], target=1.3),
    ]
