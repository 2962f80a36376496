"""Bug: write() puts the new value into the cache (write-through) instead of invalidating.

Cache-aside writes invalidate: a set from the writer can race with other writers and
readers and leave the cache holding a value the backend no longer has, and it caches
data nobody may read. The next read after a write must load from the backend.
"""

from __future__ import annotations

from typing import Any

from solutions import invalidation as reference

KILLED_BY = "TestPart3Examples::test_write_invalidates_instead_of_setting"
KILLED_WITH = "AssertionError"


class CacheAside(reference.CacheAside):
    def write(self, key: Any, value: Any) -> None:
        super().write(key, value)  # writes the backend, then invalidates the cached copy
        with self.lock:
            self.cache[key] = value  # BUG: sets the cache too; correct: stop at invalidating
