"""Bug: a cached None, 0 or "" counts as a miss, so those values are read from the store every time.

``if value:`` tests the value, not whether the key is cached.
"""

from __future__ import annotations

from typing import Any

from solutions import write_behind as reference

KILLED_BY = "TestPart1ReadThrough::test_falsy_values_are_cached"
KILLED_WITH = "AssertionError"


class WriteThroughCache(reference.WriteThroughCache):
    def get(self, key: str) -> Any:
        reference.check_key(key)
        value = self.cached.get(key)
        if value:  # BUG: a falsy value is a miss (correct: if key in self.cached)
            return value
        return self.load(key)


class WriteAroundCache(WriteThroughCache, reference.WriteAroundCache):
    pass
