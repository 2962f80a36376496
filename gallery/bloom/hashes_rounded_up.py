"""Bug: the hash count is ceil(log2(1/p)) instead of round((m/n) ln 2): one hash too many.

Both are the optimum k on paper ((m/n) ln 2 equals log2(1/p) for the optimal m), but
rounding up gives 5 hashes instead of 4 at p = 0.05: more bits set per item, more work
per check, and a false-positive rate above the one the sizes were chosen for.
"""

from __future__ import annotations

import math

from solutions import bloom as reference

KILLED_BY = "TestPart1Sizing::test_sizes_follow_the_formulas"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"hash_count is \d+, expected"


class BloomFilter(reference.BloomFilter):
    @staticmethod
    def optimal_hash_count(bit_count: int, capacity: int) -> int:
        # BUG: rounds up (correct: max(1, round(bit_count / capacity * math.log(2))))
        return max(1, math.ceil(bit_count / capacity * math.log(2)))
