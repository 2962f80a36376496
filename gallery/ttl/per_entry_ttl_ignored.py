"""Bug: set(key, value, ttl) validates the per-entry ttl but then uses the default ttl.

Every entry lives for the cache's ttl, whatever the caller asked for.
"""

from typing import Any

from solutions import ttl as reference

KILLED_BY = "TestPart1Basics::test_per_entry_ttl_overrides_the_default"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"per-entry ttl"


class TTLCache(reference.TTLCache):
    def set(self, key: Any, value: Any, ttl: float | None = None) -> None:
        if ttl is not None:
            reference.check_ttl(ttl)  # a bad ttl is still refused
        super().set(key, value)  # BUG: the per-entry ttl is dropped; super().set(key, value, ttl)
