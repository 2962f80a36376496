"""Bug: durations are truncated to milliseconds: ttl=0.0004 is sent as PX 0, which Redis refuses.

``int(seconds * 1000)`` drops the fraction: a ttl below a millisecond becomes ``PX 0``
("invalid expire time"), and 0.0015 becomes 1 ms, not 2; ``extend(0.0004)`` adds
nothing. redis-py's own Lock converts this way. The rule is the nearest whole
millisecond, and at least 1.
"""

from __future__ import annotations

from solutions import lock as reference

KILLED_BY = "TestPart1Acquire::test_ttl_in_whole_milliseconds"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"Redis refused"


class RedisLock(reference.RedisLock):
    def to_milliseconds(self, seconds: float) -> int:
        return int(seconds * 1000)  # BUG: truncates (correct: max(1, round(seconds * 1000)))
