"""Bug: a cached "not found" never expires, so a key created without add() is missing for ever.

Negative caching trades freshness for protection, and the TTL is the bound on that
trade: without it, a key that the store gains later (written by a process that did not
call add(), or restored from a backup) reads as missing until the process restarts.
"""

from __future__ import annotations

from solutions import bloom as reference

KILLED_BY = "TestLoaderMachine::runTest"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"read nothing from the store, expected \['\w+'\]"


class NegativeCache(reference.NegativeCache):
    def __init__(self, ttl: float) -> None:
        super().__init__(ttl)
        self.missing: set[str] = set()

    def hit(self, key: str, now: float) -> bool:
        return key in self.missing  # BUG: ignores the expiry time (correct: now < expires)

    def remember(self, key: str, now: float) -> None:
        super().remember(key, now)
        self.missing.add(key)

    def forget(self, key: str) -> None:
        super().forget(key)
        self.missing.discard(key)


class ProtectedLoader(reference.ProtectedLoader):
    negative_cache_type = NegativeCache
