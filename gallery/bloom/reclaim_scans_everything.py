"""Bug: every call rebuilds the "not found" cache to drop expired entries: O(n) per lookup.

``{k: t for k, t in cache.items() if t > now}`` on every get() is correct and short, and
costs a scan of every live entry: during a storm of distinct missing keys, the very
moment the guard matters, each lookup gets slower as the cache grows.
"""

from __future__ import annotations

from solutions import bloom as reference

KILLED_BY = "TestPart2Protection::test_dropping_expired_answers_scans_no_live_ones"
KILLED_WITH = "AssertionError"


class NegativeCache(reference.NegativeCache):
    def __init__(self, ttl: float) -> None:
        super().__init__(ttl)
        self.expires_at: dict[str, float] = {}

    def hit(self, key: str, now: float) -> bool:
        expires = self.expires_at.get(key)
        return expires is not None and now < expires

    def remember(self, key: str, now: float) -> None:
        self.expires_at[key] = now + self.ttl

    def forget(self, key: str) -> None:
        self.expires_at.pop(key, None)

    def reclaim(self, now: float) -> None:
        # BUG: scans every entry on every call
        # (correct: expiry order is insertion order; pop from the front while expired)
        self.expires_at = {k: t for k, t in self.expires_at.items() if now < t}

    def __len__(self) -> int:
        return len(self.expires_at)


class ProtectedLoader(reference.ProtectedLoader):
    negative_cache_type = NegativeCache
