"""Bug: invalidate_tag() sweeps out the dead entries at once: O(n) per call, not O(1).

The answers are right, but with 100,000 tagged entries one call takes milliseconds and
blocks every other caller meanwhile; bumping a generation costs the same for any n.
"""

from __future__ import annotations

from solutions import invalidation as reference

KILLED_BY = "test_invalidate_tag_is_constant_time"
KILLED_WITH = "AssertionError"


class TaggedCache(reference.TaggedCache):
    def invalidate_tag(self, tag: str) -> None:
        super().invalidate_tag(tag)  # bumps the tag's generation: all that is needed
        self.purge()  # BUG: walks every entry; correct: leave dead entries to get()
