"""Bug: a check GETs the whole bit string and tests the bits in Python.

One round trip, but it carries bit_count / 8 bytes (1.2 MB for a million items at 1%)
for every check, and a client made with decode_responses=True tries to decode those
bytes as UTF-8, which fails.
"""

from __future__ import annotations

from collections.abc import Sequence

from solutions import bloom as reference

KILLED_BY = "TestPart3Properties::test_redis_filter_against_the_model*"
KILLED_WITH = "UnicodeDecodeError"


class RedisBloomFilter(reference.RedisBloomFilter):
    def test_bits(self, positions: Sequence[int]) -> bool:
        # BUG: the whole string comes back, decoded or not (correct: GETBIT in a script)
        raw = self.client.get(self.bits_key) or b""
        data = raw.encode("latin-1") if isinstance(raw, str) else raw
        return all(p >> 3 < len(data) and data[p >> 3] & (0x80 >> (p & 7)) for p in positions)
