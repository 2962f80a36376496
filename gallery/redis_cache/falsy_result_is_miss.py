"""Bug: a cached falsy result (0, "", None, [], False) is taken for a miss and recomputed.

``if cached:`` asks "is the value truthy?" where the question is "is there an entry?": a
function returning 0 or an empty list runs on every call, cache or not.
"""

from __future__ import annotations

from typing import Any

from solutions import redis_cache as reference

KILLED_BY = "TestPart1Caching::test_falsy_results_are_cached"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"a cached .+ was treated as a miss"


class CachedFunction(reference.CachedFunction):
    def decode_entry(self, key: str, data: Any) -> Any:
        value = super().decode_entry(key, data)
        # BUG: a falsy value is a perfectly good hit; correct: return value (only MISS misses)
        return value if value else reference.MISS


redis_cache = CachedFunction.decorator
