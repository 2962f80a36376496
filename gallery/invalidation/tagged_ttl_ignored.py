"""Bug: get() checks the ttl only of entries without tags, so tagged entries never expire.
"""

from __future__ import annotations

from typing import Any

from solutions import invalidation as reference

KILLED_BY = "TestPart2Examples::test_ttl_boundary"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"get\(.b.\) returned .* a tagged entry is live"


class TaggedCache(reference.TaggedCache):
    def expired(self, entry: Any, now: float) -> bool:
        # BUG: a tagged entry is never expired; correct: now >= entry.expires_at, tags or not
        return not entry.stamp and super().expired(entry, now)
