"""Bug: "not found" is never cached, so every lookup of a missing key that passes the
filter reaches the store.

The filter stops keys that cannot exist; its false positives, and keys deleted from the
store (a filter cannot forget them), still get through. An attacker who finds one such
key can send the whole storm to the database: that is what the negative cache is for.
"""

from __future__ import annotations

from solutions import bloom as reference

KILLED_BY = "TestLoaderMachine::runTest"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"negative_count is 0, expected 1: .*cached for negative_ttl"


class NegativeCache(reference.NegativeCache):
    def remember(self, key: str, now: float) -> None:
        pass  # BUG: nothing remembered (correct: key expires at now + ttl)


class ProtectedLoader(reference.ProtectedLoader):
    negative_cache_type = NegativeCache
