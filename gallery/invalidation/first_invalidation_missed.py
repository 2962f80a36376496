"""Bug: an entry records only the tags already invalidated once, so the first
invalidate_tag() of a tag misses every entry set before it.
"""

from __future__ import annotations

from collections.abc import Iterable

from solutions import invalidation as reference

KILLED_BY = "TestPart2Examples::test_invalidate_tag_removes_tagged_entries_only"
KILLED_WITH = "AssertionError"


class TaggedCache(reference.TaggedCache):
    def stamp(self, tags: Iterable[str]) -> tuple[tuple[str, int], ...]:
        # BUG: a tag at generation 0 is not recorded, so it is never checked; correct:
        # record every tag, at generation 0 if it was never invalidated
        return tuple((tag, seen) for tag, seen in super().stamp(tags) if seen)
