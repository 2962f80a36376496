"""Bug: write-through caches the value before the store write, and keeps it when that fails.

Read-your-writes looks fine until the store refuses a write: the cache then serves a value
the store never accepted, to every reader, until something evicts it.
"""

from __future__ import annotations

from typing import Any

from solutions import write_behind as reference

KILLED_BY = "TestPart1WriteThrough::test_a_failed_write_drops_the_key"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"applied nothing\), get\('a'\) returned 'new'"


class WriteThroughCache(reference.WriteThroughCache):
    def put(self, key: str, value: Any) -> None:
        reference.check_key(key)
        self.cached[key] = value  # BUG: cached first (correct: after store.write returns)
        self.store.write(key, value)
