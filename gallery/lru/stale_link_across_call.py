"""Bug: the miss path reads the list's last link before calling the function and links the
new entry after it once the call returns.

A recursive call (fib through the decorated name) changes the list meanwhile: the entry is
linked after a stale neighbour, links are lost, and eviction goes wrong. The mistake spans
the user function's call, inside the per-call code of the bounded wrapper, which calls no
hook (for speed): this is the reference's ``bounded`` with one line moved.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from solutions import lru as reference

KILLED_BY = "TestPart2Recursion::test_recursion_through_the_decorated_name"
KILLED_WITH = "Failed"
KILLED_MATCHING = r"from the cache itself: recursion calls the wrapper again"

_len, _type = len, type


class StaleNeighbour(reference.Memoizer):
    def bounded(self, user_function: Callable[..., Any], maxsize: int, typed: bool) -> Any:
        cache: dict[Hashable, list[Any]] = {}
        cache_get, cache_len = cache.get, cache.__len__
        make_key, self_keyed = self.make_key, self.self_keyed
        hits = misses = 0
        full = False
        lock = self.lock_type()
        PREV, NEXT, KEY, RESULT = 0, 1, 2, 3
        root: list[Any] = []
        root[:] = [root, root, None, None]

        def wrapper(*args: Any, **kwds: Any) -> Any:
            nonlocal root, hits, misses, full
            if kwds or typed or _len(args) != 1 or _type(args[0]) not in self_keyed:
                key = make_key(args, kwds, typed)
            else:
                key = args[0]
            with lock:
                link = cache_get(key)
                if link is not None:
                    link_prev, link_next, _, cached = link
                    link_prev[NEXT] = link_next
                    link_next[PREV] = link_prev
                    last = root[PREV]
                    last[NEXT] = root[PREV] = link
                    link[PREV] = last
                    link[NEXT] = root
                    hits += 1
                    return cached
                misses += 1
                last = root[PREV]  # BUG: read before the call, used after it
            result = user_function(*args, **kwds)
            with lock:
                if key in cache:
                    pass
                elif full:
                    old_root = root
                    old_root[KEY] = key
                    old_root[RESULT] = result
                    root = old_root[NEXT]
                    evicted_key = root[KEY]
                    root[KEY] = root[RESULT] = None
                    del cache[evicted_key]
                    cache[key] = old_root
                else:
                    # Correct: last = root[PREV] here, read now that the call has returned
                    link = [last, root, key, result]
                    last[NEXT] = root[PREV] = cache[key] = link
                    full = cache_len() >= maxsize
            return result

        def cache_info() -> reference.CacheInfo:
            with lock:
                return self.cache_info(hits, misses, maxsize, cache.keys())

        def cache_clear() -> None:
            nonlocal hits, misses, full
            with lock:
                cache.clear()
                root[:] = [root, root, None, None]
                hits = misses = 0
                full = False

        return self.with_cache_api(wrapper, user_function, cache_info, cache_clear, maxsize,
                                   typed)


lru_cache = StaleNeighbour().lru_cache
