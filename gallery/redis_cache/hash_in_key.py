"""Bug: the key digest is Python's hash(), which is salted per process for str.

Two processes (or a restart) compute different keys for the same call: every process has
its own private cache in Redis, and invalidate() from another process misses.
"""

from __future__ import annotations

from solutions import redis_cache as reference

KILLED_BY = "TestPart1Keys::test_keys_are_stable_across_processes"
KILLED_WITH = "AssertionError"


class CachedFunction(reference.CachedFunction):
    def digest(self, text: str) -> str:
        # BUG: salted per process (PYTHONHASHSEED); correct: hashlib.sha256
        return format(hash(text) & 0xFFFF_FFFF_FFFF_FFFF, "016x")


redis_cache = CachedFunction.decorator
