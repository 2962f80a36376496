"""Bug: the bit count is truncated with int() instead of rounded up, one bit short.

``int(-n * ln p / ln(2)^2)`` drops the fraction: the filter is a bit smaller than the
optimum for n and p, so at capacity its false-positive rate is above p; for one item at
p = 0.5 it has a single bit. The contract says ``math.ceil``.
"""

from __future__ import annotations

import math

from solutions import bloom as reference

KILLED_BY = "TestPart1Sizing::test_sizes_follow_the_formulas"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"bit_count is \d+, expected"


class BloomFilter(reference.BloomFilter):
    @staticmethod
    def optimal_bit_count(capacity: int, error_rate: float) -> int:
        # BUG: truncates (correct: math.ceil of the same expression)
        return int(-capacity * math.log(error_rate) / math.log(2) ** 2)
