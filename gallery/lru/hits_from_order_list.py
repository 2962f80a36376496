"""Bug: cache_info() computes hits as len(order) - len(set(order)), as a popular tutorial does.

The list of cached keys holds each key once, so that difference is always 0: the real
hits, counted by the wrapper, are never reported.
"""

from __future__ import annotations

from collections.abc import Hashable, KeysView

from solutions import lru as reference

KILLED_BY = "TestPart2Decorator::test_bare_and_called_forms"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"count hits in the wrapper"


class HitsFromOrder(reference.Memoizer):
    def cache_info(self, hits: int, misses: int, maxsize: int | None,
                   keys: KeysView[Hashable]) -> reference.CacheInfo:
        order = list(keys)
        counted = len(order) - len(set(order))  # BUG: always 0, each key is listed once
        return reference.CacheInfo(counted, misses, maxsize, len(order))  # Correct: hits


lru_cache = HitsFromOrder().lru_cache
