"""Bug: a failed write-through leaves the old value cached, though the write may have landed.

A timeout can come after the store applied the write: the store then has the new value,
and the cache goes on serving the old one. Only the store knows, so drop the key.
"""

from __future__ import annotations

from typing import Any

from solutions import write_behind as reference

KILLED_BY = "TestPart1WriteThrough::test_a_failed_write_drops_the_key"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"get\('a'\) returned 'old' from the cache"


class WriteThroughCache(reference.WriteThroughCache):
    def put(self, key: str, value: Any) -> None:
        reference.check_key(key)
        self.store.write(key, value)  # BUG: on failure the old value stays cached
        # (correct: on failure drop the key, then re-raise)
        self.cached[key] = value
