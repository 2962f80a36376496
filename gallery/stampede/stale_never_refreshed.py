"""Bug: an expired entry that is still in Redis is served as a hit: XFetch is never asked.
"""

from __future__ import annotations

from solutions.stampede import Entry
from solutions.stampede import StampedeCache as Reference

KILLED_BY = "TestPart3StampedeCache::test_an_expired_entry_is_recomputed"
KILLED_WITH = "AssertionError"


class StampedeCache(Reference):
    def should_refresh(self, entry: Entry) -> bool:
        return False  # BUG: present means fresh (correct: ask should_recompute_early)
