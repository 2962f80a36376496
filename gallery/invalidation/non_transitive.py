"""Bug: invalidate() removes only the direct dependents of a name, not theirs.

Invalidating "users" removes "user:1" but leaves "user:1:posts", which was built from it,
cached and stale.
"""

from __future__ import annotations

from collections.abc import Iterator

from solutions import invalidation as reference

KILLED_BY = "TestPart1Examples::test_invalidate_is_transitive"
KILLED_WITH = "AssertionError"


class DependencyCache(reference.DependencyCache):
    def walk(self, name: str) -> Iterator[str]:
        if name in self:
            yield name
        # BUG: one level only: the dependents of dependents stay cached; correct: keep
        # following the dependents of every key found, with a seen-set
        yield from self.direct_dependents(name)
