"""Bug: positions come from the builtin hash(), which is salted per process for str and bytes.

Inside one process everything works: the same item always gets the same bits. But every
process draws its own hash seed (PYTHONHASHSEED), so a filter built by one process, or
saved and loaded, or shared through Redis, has its items at other positions in the next:
almost every item it holds now reads as "certainly not".
"""

from __future__ import annotations

from solutions import bloom as reference

KILLED_BY = "TestPart1Positions::test_positions_are_the_same_in_every_process"
KILLED_WITH = "AssertionError"


class BloomFilter(reference.BloomFilter):
    def positions(self, item: str | bytes) -> list[int]:
        data = self.item_bytes(item)
        # BUG: hash() differs from process to process
        # (correct: a fixed digest, hashlib.blake2b(data, digest_size=16))
        h1, h2 = hash(data), hash(data + b"\x00")
        return [(h1 + i * h2) % self.bit_count for i in range(self.hash_count)]
