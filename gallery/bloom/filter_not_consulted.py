"""Bug: the Bloom filter is never asked, so keys that cannot exist reach the store once each.

With only the negative cache, a storm of distinct random keys (the usual penetration
attack) still costs one store read per key: the negative cache only helps with keys
that repeat. The filter is what answers for keys never seen.
"""

from __future__ import annotations

from solutions import bloom as reference

KILLED_BY = "TestLoaderMachine::runTest"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"from the store, expected nothing: the filter says"


class ProtectedLoader(reference.ProtectedLoader):
    def may_exist(self, key: str) -> bool:
        return True  # BUG: the filter is skipped (correct: key in self.bloom)
