"""Bug: invalidate() calls a key's callbacks before removing it, so they still see it.

A callback that reads the cache (to log, or to refill it) finds the stale entry.
"""

from __future__ import annotations

from solutions import invalidation as reference

KILLED_BY = "TestPart1Examples::test_callbacks_once_per_key_after_removal"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"ran while .* were still cached"


class DependencyCache(reference.DependencyCache):
    def invalidate(self, name: str) -> set[str]:
        removed = list(self.walk(name))
        for key in removed:
            self.notify(key)  # BUG: the key is still cached while its callbacks run
            self.forget(key)  # correct: forget every key first, then notify each
        return set(removed)
