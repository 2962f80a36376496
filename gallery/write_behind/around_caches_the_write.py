"""Bug: write-around caches the value it wrote, which makes it write-through.

The point of write-around is to keep write-mostly data out of the cache; and a value
changed in the store by anyone else is never seen by this cache's readers.
"""

from __future__ import annotations

from typing import Any

from solutions import write_behind as reference

KILLED_BY = "TestPart1WriteAround::test_put_writes_the_store_and_the_next_get_reads_it"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"read the store 0 time"


class WriteAroundCache(reference.WriteAroundCache):
    def put(self, key: str, value: Any) -> None:
        reference.check_key(key)
        try:
            self.store.write(key, value)
        except Exception:
            self.cached.pop(key, None)
            raise
        self.cached[key] = value  # BUG: caches the write (correct: drop the key)
