"""Bug: add() puts the key in the filter but keeps its cached "not found".

The usual sequence is lookup, miss, create: a user asks for a name, it is free, they
register it. The lookup cached "not found", and until it expires the new key reads as
missing, though the store and the filter both have it.
"""

from __future__ import annotations

from solutions import bloom as reference

KILLED_BY = "TestLoaderMachine::runTest"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"add\('\w+'\), then negative_count is \d+, expected \d+: add\(\) must drop"


class NegativeCache(reference.NegativeCache):
    def forget(self, key: str) -> None:
        pass  # BUG: add() drops nothing (correct: remove key's entry, if any)


class ProtectedLoader(reference.ProtectedLoader):
    negative_cache_type = NegativeCache
