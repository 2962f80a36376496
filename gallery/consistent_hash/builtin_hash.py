"""Bug: positions come from the builtin hash(), which Python salts anew in every process.

``hash()`` of a str or bytes changes with PYTHONHASHSEED, random by default: each web
worker, each client, builds its own ring, and they disagree on where every key lives.
Every process then misses in the others' caches (and writes the same key to two nodes).
"""

from __future__ import annotations

from solutions import consistent_hash as reference

KILLED_BY = "test_the_ring_is_the_same_in_every_process"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"salted per process"


class HashRing(reference.HashRing):
    @staticmethod
    def position(data: bytes) -> int:
        # BUG: salted per process (correct: the first four bytes of md5(data), big-endian)
        return hash(data) & 0xFFFFFFFF
