"""Bug: a key's dependency edges are never unlinked, so the graph keeps every removed key.

Memory grows with every key ever cached, and the stale edges lead later invalidations to
keys that are long gone: they are reported as removed again.
"""

from __future__ import annotations

from solutions import invalidation as reference

KILLED_BY = "TestPart1Examples::test_invalidate_removes_the_name_itself_if_cached"
KILLED_WITH = "AssertionError"


class DependencyCache(reference.DependencyCache):
    def unlink(self, key: str) -> None:
        pass  # BUG: the key's edges stay in both indexes; correct: super().unlink(key)
