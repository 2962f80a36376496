"""Bug: expired "not found" answers are only ignored, never dropped: memory grows for ever.

Lazy expiry (check the time on read) is correct for the answers, but the entries of
keys nobody asks for again stay. A storm of random missing keys, exactly what an
attacker sends, fills the memory of every instance.
"""

from __future__ import annotations

from solutions import bloom as reference

KILLED_BY = "TestLoaderMachine::runTest"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"expired answers must be dropped"


class NegativeCache(reference.NegativeCache):
    def reclaim(self, now: float) -> None:
        pass  # BUG: expired entries stay (correct: pop expired entries from the front)


class ProtectedLoader(reference.ProtectedLoader):
    negative_cache_type = NegativeCache
