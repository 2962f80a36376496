"""Bug: the decorator treats a cached None as a miss (`if result is not None`).

A function returning None is recomputed on every call and the miss count climbs.
"""

from collections.abc import Hashable
from typing import Any

from solutions import ttl as reference

KILLED_BY = "TestPart3Decorator::test_none_results_are_cached"
KILLED_WITH = "AssertionError"


class NoneNeverCached(reference.CachedFunction[Any]):
    def lookup(self, key: Hashable) -> Any:
        result = self.cache.get(key)  # None when the key is missing, and when None is cached
        # BUG: a cached None looks missing; the reference passes MISSING as get()'s default
        return reference.MISSING if result is None else result


ttl_cache = NoneNeverCached.decorator
