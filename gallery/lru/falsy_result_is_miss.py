"""Bug: the wrapper tests its lookup with `if result:`, so a cached None, 0, "" or False
is a miss and the function runs again on every call.

functools tells a miss apart with a private sentinel (``cache_get(key, sentinel)``): any
result, None included, is a hit once cached. The mistake is in the per-call code of the
unbounded wrapper, which calls no hook (for speed): this is the reference's ``unbounded``
with its test changed.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from solutions import lru as reference

KILLED_BY = "TestPart2Decorator::test_falsy_results_are_hits"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"a cached None is a hit"

_len, _type = len, type


class TruthyHits(reference.Memoizer):
    def unbounded(self, user_function: Callable[..., Any], typed: bool) -> Any:
        cache: dict[Hashable, Any] = {}
        cache_get = cache.get
        make_key, self_keyed = self.make_key, self.self_keyed
        hits = misses = 0
        lock = self.lock_type()

        def wrapper(*args: Any, **kwds: Any) -> Any:
            nonlocal hits, misses
            if kwds or typed or _len(args) != 1 or _type(args[0]) not in self_keyed:
                key = make_key(args, kwds, typed)
            else:
                key = args[0]
            result = cache_get(key)
            if result:  # BUG: a cached falsy result reads as a miss. Correct: look it up
                with lock:  # with cache_get(key, sentinel) and test `is not sentinel`
                    hits += 1
                return result
            with lock:
                misses += 1
            result = user_function(*args, **kwds)
            cache[key] = result
            return result

        def cache_info() -> reference.CacheInfo:
            with lock:
                return self.cache_info(hits, misses, None, cache.keys())

        def cache_clear() -> None:
            nonlocal hits, misses
            with lock:
                cache.clear()
                hits = misses = 0

        return self.with_cache_api(wrapper, user_function, cache_info, cache_clear, None, typed)


lru_cache = TruthyHits().lru_cache
