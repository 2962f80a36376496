"""Bug: add() sets the bits in one transaction, then counts in a second round trip.

MULTI/EXEC makes the SETBITs atomic and returns the old bits, so the client knows
whether the item was new; but the HINCRBY that follows is a second round trip, and a
client that dies in between leaves the bits set and the count short.
"""

from __future__ import annotations

from collections.abc import Sequence

from solutions import bloom as reference

KILLED_BY = "TestPart3Redis::test_each_operation_is_one_round_trip"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"PIPELINE\[SETBIT"


class RedisBloomFilter(reference.RedisBloomFilter):
    def set_bits(self, positions: Sequence[int]) -> bool:
        pipe = self.client.pipeline()
        for p in positions:
            pipe.setbit(self.bits_key, p, 1)
        pipe.hset(self.meta_key, mapping={"bit_count": self.bit_count,
                                          "hash_count": self.hash_count})
        old_bits = pipe.execute()[:-1]
        changed = 0 in old_bits
        if changed:
            # BUG: a second round trip (correct: count inside the same Lua script)
            self.client.hincrby(self.meta_key, "count", 1)
        return changed
