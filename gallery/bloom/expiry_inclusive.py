"""Bug: a cached "not found" is still used at exactly t0 + negative_ttl.

``now <= expires`` instead of ``now < expires``: the answer lives one instant too long,
and the storm test's fifth store read (at exactly 20 s) never happens.
"""

from __future__ import annotations

from collections import OrderedDict

from solutions import bloom as reference

KILLED_BY = ("TestLoaderMachine::runTest",
             "TestPart2Protection::test_not_found_expires_exactly_after_negative_ttl")
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"expired answers must be dropped|exactly negative_ttl after"


class NegativeCache(reference.NegativeCache):
    def __init__(self, ttl: float) -> None:
        super().__init__(ttl)
        self.expires_at: OrderedDict[str, float] = OrderedDict()

    def hit(self, key: str, now: float) -> bool:
        expires = self.expires_at.get(key)
        return expires is not None and now <= expires  # BUG: (correct: now < expires)

    def remember(self, key: str, now: float) -> None:
        self.expires_at[key] = now + self.ttl
        self.expires_at.move_to_end(key)

    def forget(self, key: str) -> None:
        self.expires_at.pop(key, None)

    def reclaim(self, now: float) -> None:
        while self.expires_at:
            oldest = next(iter(self.expires_at))
            if now <= self.expires_at[oldest]:  # BUG: (correct: now < ...)
                return
            del self.expires_at[oldest]

    def __len__(self) -> int:
        return len(self.expires_at)


class ProtectedLoader(reference.ProtectedLoader):
    negative_cache_type = NegativeCache
