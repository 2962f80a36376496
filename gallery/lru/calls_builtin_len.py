"""Bug: the wrapper calls len() on every call, looked up in builtins each time.

Someone caches len itself (``builtins.len = lru_cache(len)``, to profile or to speed up a
hot path): the wrapper then calls the wrapper, which calls the wrapper... RecursionError.
functools binds what its hot path needs when it defines the wrapper
(``cache_len = cache.__len__``, ``len=len`` as a default argument). The mistake is in the
per-call code, which calls no hook (for speed): this is the reference's ``unbounded``
with the builtin looked up at call time.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from solutions import lru as reference

KILLED_BY = "TestPart3Defences::test_len_itself_can_be_cached"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"recursed forever"


class BuiltinLen(reference.Memoizer):
    def unbounded(self, user_function: Callable[..., Any], typed: bool) -> Any:
        cache: dict[Hashable, Any] = {}
        cache_get = cache.get
        sentinel = object()
        make_key, self_keyed = self.make_key, self.self_keyed
        hits = misses = 0
        lock = self.lock_type()

        def wrapper(*args: Any, **kwds: Any) -> Any:
            nonlocal hits, misses
            # BUG: len and type are looked up in builtins on every call. Correct: names
            # bound when the module loads (the reference's _len and _type)
            if kwds or typed or len(args) != 1 or type(args[0]) not in self_keyed:
                key = make_key(args, kwds, typed)
            else:
                key = args[0]
            result = cache_get(key, sentinel)
            if result is not sentinel:
                with lock:
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


lru_cache = BuiltinLen().lru_cache
