"""Bug: the cap is computed from the keys assigned before this one, not counting it.

With no key assigned yet the cap is ceil((1 + epsilon) * 0 / n) = 0 and no node can take
the very first key; later, every cap is a step behind. The average must count the key
being placed: ``m`` is the number of keys once it is assigned.
"""

from __future__ import annotations

import math
from fractions import Fraction

from solutions import consistent_hash as reference

KILLED_BY = "TestPart2BoundedLoads::test_a_key_overflows_to_the_next_node_round_the_ring"
KILLED_WITH = "RuntimeError"


class BoundedLoadRing(reference.BoundedLoadRing):
    def capacity(self, keys: int) -> int:
        factor = 1 + Fraction(str(self.epsilon))
        # BUG: keys - 1 leaves out the key being placed (correct: factor * keys / n)
        return math.ceil(factor * (keys - 1) / len(self))
