"""Bug: the generation key has no hash tag: on Redis Cluster every hit fails with CROSSSLOT.

A hit reads the generation and the entry in one script, and a cluster runs a script only
if its keys hash to one slot. ``<prefix>:generation`` hashes as a whole key, to a slot
unrelated to the entries' ``{<prefix>}``: fine on one Redis and on fakeredis, CROSSSLOT
on a cluster. (Read in two commands, it would work there, at twice the round trips.)
"""

from __future__ import annotations

from solutions import redis_cache as reference

KILLED_BY = "TestPart2Invalidation::test_the_generation_and_the_entries_share_a_hash_slot"
KILLED_WITH = "AssertionError"


class CachedFunction(reference.CachedFunction):
    @property
    def generation_key(self) -> str:
        # BUG: no hash tag; correct: f"{{{self.prefix}}}:generation", the entries' tag
        return f"{self.prefix}:generation"


redis_cache = CachedFunction.decorator
