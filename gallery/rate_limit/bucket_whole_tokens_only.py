"""Bug: the token bucket refills whole tokens only and drops the fractions: the rate is too low.

With rate 0.5/s and a hit every 1.5 s, floor(0.75) = 0 tokens come back each time: the
refill must be continuous, elapsed * rate, fractions included.
"""

import math

from solutions import rate_limit as reference

KILLED_BY = "TestPart1Edges::test_token_bucket_refill_counts_fractions"
KILLED_WITH = "AssertionError"


class TokenBucketLimiter(reference.TokenBucketLimiter):
    def tokens_at(self, bucket: tuple[float, float], at: float) -> float:
        tokens, since = bucket
        # BUG: the fraction of a token earned since `since` is thrown away; correct:
        # min(self.capacity, tokens + max(0.0, at - since) * self.rate)
        return min(self.capacity, tokens + math.floor(max(0.0, at - since) * self.rate))
