"""Bug: the ttl is truncated to milliseconds with int(), so a sub-millisecond ttl is PX 0.

``int(ttl * 1000)`` rounds toward zero: ``ttl=0.0016`` lives 1 ms instead of 2, and
``ttl=0.0004`` becomes ``PX 0``, which Redis rejects: every call with that decorator
raises ResponseError. Round to the nearest millisecond, and never below 1.
"""

from __future__ import annotations

from solutions import redis_cache as reference

KILLED_BY = "TestPart1Caching::test_the_ttl_is_rounded_to_whole_milliseconds"
KILLED_WITH = "Failed"
KILLED_MATCHING = r"raised ResponseError"


class CachedFunction(reference.CachedFunction):
    @staticmethod
    def ttl_milliseconds(ttl: float) -> int:
        return int(ttl * 1000)  # BUG: toward zero, down to 0; correct: max(1, round(ttl * 1000))


redis_cache = CachedFunction.decorator
