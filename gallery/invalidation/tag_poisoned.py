"""Bug: get() asks whether a tag was ever invalidated, not whether it was invalidated
since the entry was set, so after one invalidate_tag() the tag can never be cached again.
"""

from __future__ import annotations

from typing import Any

from solutions import invalidation as reference

KILLED_BY = "TestPart2Examples::test_entries_set_after_an_invalidation_are_live"
KILLED_WITH = "AssertionError"


class TaggedCache(reference.TaggedCache):
    def invalidated(self, entry: Any) -> bool:
        # BUG: ignores the generation seen at set time; correct: generation(tag) != seen
        return any(self.generation(tag) > 0 for tag, _seen in entry.stamp)
