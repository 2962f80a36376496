"""Bug: set() adds the new dependencies to the old ones instead of replacing them.

After set("a", 1, depends_on=["x"]) and set("a", 2, depends_on=["y"]), invalidating "x"
still removes "a", and stats() counts edges that no longer exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from solutions import invalidation as reference

KILLED_BY = "TestPart1Examples::test_set_replaces_dependencies"
KILLED_WITH = "AssertionError"


class DependencyCache(reference.DependencyCache):
    def set(self, key: str, value: Any, depends_on: Iterable[str] = ()) -> None:
        old = self.dependencies(key)
        super().set(key, value, depends_on)  # validated and stored as in the reference
        # BUG: the old dependencies are kept; correct: stop here, the new ones replace them
        super().set(key, value, old | self.dependencies(key))
