"""Bug: the k "hash functions" are one hash used k times, so every item sets a single bit.

A common first try: ``[h % m for _ in range(k)]`` (or k hashes of the same unsalted
input). The filter then behaves like one hash in m bits: with n items a probe finds its
one bit set with probability about 1 - e^(-n/m), ten times p at p = 1%.
"""

from __future__ import annotations

import hashlib

from solutions import bloom as reference

KILLED_BY = "TestPart1Guarantees::test_false_positive_rate_at_capacity"
KILLED_WITH = "AssertionError"


class BloomFilter(reference.BloomFilter):
    def positions(self, item: str | bytes) -> list[int]:
        digest = hashlib.blake2b(self.item_bytes(item), digest_size=16).digest()
        h1 = int.from_bytes(digest[:8], "little")
        # BUG: the same position k times (correct: (h1 + i * h2) % m, h2 from the other half)
        return [h1 % self.bit_count for _ in range(self.hash_count)]
