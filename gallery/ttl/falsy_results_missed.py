"""Bug: the decorator tests the cached result for truth (`if cached:`), so 0 and "" are misses.

Every falsy result (0, "", False, an empty list, None) is recomputed on every call.
"""

from collections.abc import Hashable
from typing import Any

from solutions import ttl as reference

KILLED_BY = "TestPart3Decorator::test_falsy_results_are_cached"
KILLED_WITH = "AssertionError"


class FalsyResultsMissed(reference.CachedFunction[Any]):
    def lookup(self, key: Hashable) -> Any:
        cached = self.cache.get(key)
        if cached:  # BUG: a falsy result is a result too; the reference tests `is not MISSING`
            return cached
        return reference.MISSING


ttl_cache = FalsyResultsMissed.decorator
