"""Bug: add() sends one SETBIT per position, then HINCRBY: k + 1 round trips, not atomic.

Each command is a network round trip (about 0.1 to 1 ms), so an add costs k of them;
and between them another process can set the same bits, so two adds of one item may
both see a 0 and both count it.
"""

from __future__ import annotations

from collections.abc import Sequence

from solutions import bloom as reference

KILLED_BY = "TestPart3Redis::test_each_operation_is_one_round_trip"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"round trips \(SETBIT SETBIT"


class RedisBloomFilter(reference.RedisBloomFilter):
    def set_bits(self, positions: Sequence[int]) -> bool:
        # BUG: one command per bit (correct: one ADD_SCRIPT call doing it all in Redis)
        changed = False
        for p in positions:
            if self.client.setbit(self.bits_key, p, 1) == 0:
                changed = True
        self.client.hset(self.meta_key, mapping={"bit_count": self.bit_count,
                                                 "hash_count": self.hash_count})
        if changed:
            self.client.hincrby(self.meta_key, "count", 1)
        return changed
