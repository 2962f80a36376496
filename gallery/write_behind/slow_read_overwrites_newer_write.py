"""Bug: a value read from the store is cached even if a put of that key happened during the read.

The read began before the put and returned the old value after it; caching it replaces the
newer write, which is then flushed with the old value: an acknowledged write lost.
"""

from __future__ import annotations

from typing import Any

from solutions import write_behind as reference

KILLED_BY = "TestPart2Threads::test_a_slow_read_does_not_undo_a_newer_write"
KILLED_WITH = "AssertionError"


class WriteBehindCache(reference.WriteBehindCache):
    def remember_loaded(self, key: str, value: Any) -> Any:
        self.values[key] = value  # BUG: overwrites (correct: setdefault, a put wins)
        return value
