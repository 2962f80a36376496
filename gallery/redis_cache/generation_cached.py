"""Bug: the generation is remembered, not read, so another process's invalidate_all() is unseen.

Saves reading the generation on a hit, but every other worker keeps serving entries that
were invalidated (until it restarts or the entries expire). The reference remembers the
generation too, but only as a guess that one script checks with the entry.
"""

from __future__ import annotations

from typing import Any

from solutions import redis_cache as reference

KILLED_BY = "TestPart2Invalidation::test_invalidation_is_seen_by_another_process"
KILLED_WITH = "AssertionError"


class CachedFunction(reference.CachedFunction):
    def fetch(self, digest: str) -> tuple[str, Any]:
        # BUG: trusts this process's last generation, so other processes' bumps go unseen;
        # correct: super().fetch(digest), which reads the generation with the entry (READ_SCRIPT)
        key = self.key_of(self.last_generation, digest)
        return key, self.client.get(key)


redis_cache = CachedFunction.decorator
