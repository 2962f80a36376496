"""Bug: ``if value:`` stands for "not absent", so a 0, "" or [] is never served from the cache.

Only None means absent. Testing truthiness instead (``if cached:`` on a hit, or
``if value:`` before a fill, as here) sends every read of a falsy value to the backend:
the cache does nothing for the values (zero counts, empty lists) that are often the most
common.
"""

from __future__ import annotations

from typing import Any

from solutions import invalidation as reference

KILLED_BY = "TestPart3Examples::test_falsy_values_are_cached"
KILLED_WITH = "AssertionError"


class CacheAside(reference.CacheAside):
    def cacheable(self, value: Any) -> bool:
        return bool(value)  # BUG: 0, "" and [] are values too; correct: value is not None
