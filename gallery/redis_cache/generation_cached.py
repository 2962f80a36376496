"""Bug: the generation is read once per process, so another process's invalidate_all() is unseen.

Saves a command per hit, but every other worker keeps serving entries that were
invalidated (until it restarts or the entries expire).
"""

from __future__ import annotations

from solutions import redis_cache as reference

KILLED_BY = "TestPart2Invalidation::test_invalidation_is_seen_by_another_process"
KILLED_WITH = "AssertionError"


class CachedFunction(reference.CachedFunction):
    generation: int | None = None  # this process's copy of the generation

    def invalidate_all(self) -> None:
        self.generation = int(self.client.incr(self.generation_key))

    def entry_key(self, digest: str) -> str:
        # BUG: read once, so other processes' bumps go unseen; correct: GET the generation
        # key on every call
        if self.generation is None:
            raw = self.client.get(self.generation_key)
            self.generation = 0 if raw is None else int(raw)
        return f"{self.prefix}:{self.generation}:{digest}"


redis_cache = CachedFunction.decorator
