"""Bug: write-around writes the store but leaves the old value in the cache.

Every read after the write is served the value from before it, until the entry is evicted:
the writer does not even read its own write.
"""

from __future__ import annotations

from typing import Any

from solutions import write_behind as reference

KILLED_BY = "TestPart1WriteAround::test_put_writes_the_store_and_the_next_get_reads_it"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"returned 'old'"


class WriteAroundCache(reference.WriteAroundCache):
    def put(self, key: str, value: Any) -> None:
        reference.check_key(key)
        self.store.write(key, value)  # BUG: the cached value is not dropped
        # (correct: finally: self.cached.pop(key, None))
