"""Bug: an expired entry that is still in Redis is served as a hit: XFetch is never asked.
"""

from __future__ import annotations

from solutions.stampede import Entry
from solutions.stampede import StampedeCache as Reference

KILLED_BY = ("TestPart3StampedeCache::"
             "test_near_expiry_one_caller_recomputes_and_the_others_get_stale_at_once")
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"compute ran 0 times"


class StampedeCache(Reference):
    def should_refresh(self, entry: Entry) -> bool:
        return False  # BUG: present means fresh (correct: ask should_recompute_early)
