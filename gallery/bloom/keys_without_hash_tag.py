"""Bug: the two keys carry no hash tag, so on Redis Cluster they sit in different slots.

A script may only touch keys of one hash slot on a cluster: every add would fail with
CROSSSLOT. ``bloom:{name}:bits`` and ``bloom:{name}:meta`` hash only ``name``.
"""

from __future__ import annotations

from solutions import bloom as reference

KILLED_BY = "TestPart3Redis::test_both_keys_in_one_hash_slot"
KILLED_WITH = "AssertionError"


class RedisBloomFilter(reference.RedisBloomFilter):
    @staticmethod
    def key_names(name: str) -> tuple[str, str]:
        # BUG: no braces (correct: f"bloom:{{{name}}}:bits", f"bloom:{{{name}}}:meta")
        return f"bloom:{name}:bits", f"bloom:{name}:meta"
