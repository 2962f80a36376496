"""Bug: Redis log members are named by time alone, so two hits at one instant collapse.

A sorted set holds each member once: ZADD of an existing member only updates its score.
Members must be unique per hit (a random token per call), or the log under-counts.
"""

from solutions import rate_limit as reference

KILLED_BY = "TestPart2Redis::test_hits_at_one_instant_are_counted_apart"
KILLED_WITH = "AssertionError"


class RedisSlidingWindowLimiter(reference.RedisSlidingWindowLimiter):
    # BUG: members named by time and position, the same for two hits at one instant;
    # the reference names them ARGV[5] .. ':' .. i, with a random token per call
    LUA_SCRIPT = reference.SLIDING_WINDOW_SCRIPT.replace(
        "ARGV[5] .. ':' .. i", "score .. ':' .. i")
