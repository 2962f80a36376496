"""Bug: the Redis log reads (ZCARD) and writes (ZADD) in separate commands: threads over-admit.

Between one client's ZCARD and its ZADD, other clients read the same count and all decide
"there is room". Check-then-act on a shared store must be one atomic step: a Lua script
(or WATCH/MULTI with retries). It also costs four round trips per decision instead of one.
"""

import secrets

from solutions import rate_limit as reference

KILLED_BY = "TestPart2Redis::test_each_decision_is_one_script_call"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"ZCARD"


class RedisSlidingWindowLimiter(reference.RedisSlidingWindowLimiter):
    def hit(self, key: str = "default", cost: int = 1) -> reference.Decision:
        reference.check_request(key, cost, self.limit, "limit")
        name, now = f"{self.prefix}:{key}", self.clock()
        self.client.zremrangebyscore(name, "-inf", repr(now - self.window))
        used = int(self.client.zcard(name))  # BUG: read here, written below: not atomic
        if used + cost <= self.limit:
            token = secrets.token_hex(8)
            self.client.zadd(name, {f"{token}:{i}": now for i in range(cost)})
            self.client.pexpire(name, reference.ttl_ms(self.window))
            return reference.Decision(True, self.limit - used - cost, 0.0)
        nth = used + cost - self.limit - 1
        ((_, leaves),) = self.client.zrange(name, nth, nth, withscores=True)
        wait = reference.first_allowed(
            now, leaves + self.window - now, lambda t: t - self.window >= leaves)
        return reference.Decision(False, self.limit - used, wait)

