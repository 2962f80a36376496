"""Bug: set() of an already cached key invalidates the entries that depend on it.

Setting a value is not a change notification: entries depending on the key depended on the
name, and the caller invalidates explicitly when the underlying data changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from solutions import invalidation as reference

KILLED_BY = "TestPart1Examples::test_set_never_invalidates"
KILLED_WITH = "AssertionError"


class DependencyCache(reference.DependencyCache):
    def set(self, key: str, value: Any, depends_on: Iterable[str] = ()) -> None:
        stale = self.dependents(key) if key in self else set()
        super().set(key, value, depends_on)
        for dependent in stale:
            self.invalidate(dependent)  # BUG: set() must never invalidate anything
