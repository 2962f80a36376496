"""Bug: the cap is math.ceil((1 + epsilon) * m / n) in floats, one too high at exact integers.

``(1 + 0.12) * 25 / 2`` is ``14.000000000000002`` in binary floating point, and its
ceiling is 15: the node that should stop at 14 keys takes a 15th. The bound is a count of keys;
compute it in exact arithmetic.
"""

from __future__ import annotations

import math

from solutions import consistent_hash as reference

KILLED_BY = "TestPart2BoundedLoads::test_the_cap_is_exact_not_floating_point"
KILLED_WITH = "AssertionError"


class BoundedLoadRing(reference.BoundedLoadRing):
    def capacity(self, keys: int) -> int:
        # BUG: float rounding (correct: math.ceil(Fraction(str(epsilon)) ... ) exactly)
        return math.ceil((1 + self.epsilon) * keys / len(self))
