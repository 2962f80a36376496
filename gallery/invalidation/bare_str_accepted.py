"""Bug: a bare str for depends_on (or tags) is taken as an iterable of characters.

set("a", 1, depends_on="users") makes "a" depend on "u", "s", "e" and "r", so
invalidate("users") misses it. A bare str must be rejected with a TypeError.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

from solutions import invalidation as reference

KILLED_BY = "TestPart1Examples::test_bare_str_depends_on_is_rejected"
KILLED_WITH = "Failed"


class DependencyCache(reference.DependencyCache):
    def set(self, key: str, value: Any, depends_on: Iterable[str] = ()) -> None:
        # BUG: list("users") is ["u", "s", "e", "r"], so the bare str is never seen, never
        # rejected; correct: pass depends_on on as it is, and a bare str raises TypeError
        super().set(key, value, list(depends_on))


class TaggedCache(reference.TaggedCache):
    def set(
        self, key: Hashable, value: Any, tags: Iterable[str] = (), ttl: float | None = None
    ) -> None:
        super().set(key, value, list(tags), ttl)  # BUG: the same for tags
