"""Bug: an entry the serializer cannot decode is recomputed silently, with no warning logged.

Treating it as a miss is right, but nobody learns that someone else writes under the
cache's keys, or that a deploy changed the format: the cache quietly stops caching those
calls, and the only symptom is load on the backend.
"""

from __future__ import annotations

from solutions import redis_cache as reference

KILLED_BY = "TestPart2Serializers::test_corrupt_entry_is_a_miss_and_overwritten"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"logged nothing"


class CachedFunction(reference.CachedFunction):
    def on_corrupt_entry(self, key: str, exc: Exception) -> None:
        pass  # BUG: `except Exception: pass`; correct: log a warning naming the key


redis_cache = CachedFunction.decorator
