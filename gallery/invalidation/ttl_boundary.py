"""Bug: an entry is still served at exactly set time + ttl (it is live only while
clock() < set time + ttl).
"""

from __future__ import annotations

from typing import Any

from solutions import invalidation as reference

KILLED_BY = "TestPart2Examples::test_ttl_boundary"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"get\(.a.\) returned .* an entry is live"


class TaggedCache(reference.TaggedCache):
    def expired(self, entry: Any, now: float) -> bool:
        return now > entry.expires_at  # BUG: live at expires_at itself; correct: >=
