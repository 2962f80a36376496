"""Bug: the hash count has no floor of 1: a filter for a high error_rate has zero hashes.

``round((m/n) ln 2)`` is 0 when p is above about 0.6: with no positions to check,
``all([])`` is True and the filter says "probably" to everything, ever.
"""

from __future__ import annotations

import math

from solutions import bloom as reference

KILLED_BY = "TestPart1Sizing::test_sizes_follow_the_formulas"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"hash_count is 0, expected 1"


class BloomFilter(reference.BloomFilter):
    @staticmethod
    def optimal_hash_count(bit_count: int, capacity: int) -> int:
        # BUG: may be 0 (correct: max(1, round(...)))
        return round(bit_count / capacity * math.log(2))
