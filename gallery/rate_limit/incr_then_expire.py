"""Bug: INCR, then EXPIRE only if the count is 1: dying in between leaves an immortal key.

The usual first Redis limiter, as the sliding window. Two commands are not atomic: if the
process dies (or the connection drops) after INCR created the key and before EXPIRE, the
counter has no TTL and the key is rate limited forever. It is also a fixed window
starting at the first request, and a denied request is counted anyway. Use one Lua script
that writes and sets the TTL together (or SET with EX/NX, or a MULTI block).
"""

import math

from solutions import rate_limit as reference

KILLED_BY = "TestPart2Redis::test_each_decision_is_one_script_call"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"INCRBY"


class RedisSlidingWindowLimiter(reference.RedisSlidingWindowLimiter):
    def hit(self, key: str = "default", cost: int = 1) -> reference.Decision:
        reference.check_request(key, cost, self.limit, "limit")
        name = f"{self.prefix}:{key}"
        used = int(self.client.incrby(name, cost))
        if used == cost:
            # BUG: a second command; a crash before it leaves the counter without a TTL
            self.client.expire(name, math.ceil(self.window))
        if used <= self.limit:
            return reference.Decision(True, self.limit - used, 0.0)
        ttl = int(self.client.pttl(name))
        return reference.Decision(False, max(0, self.limit - used + cost), max(ttl, 0) / 1000)
