"""Bug: the token bucket is not capped at capacity, so a long idle builds up an unbounded burst.

After an hour idle at 10 tokens/s the bucket would hold 36,000 tokens; it must never hold
more than `capacity`.
"""

from solutions import rate_limit as reference

KILLED_BY = "TestPart1Edges::test_token_bucket_caps_at_capacity"
KILLED_WITH = "AssertionError"


class TokenBucketLimiter(reference.TokenBucketLimiter):
    def tokens_at(self, bucket: tuple[float, float], at: float) -> float:
        tokens, since = bucket
        # BUG: no cap; correct: min(self.capacity, tokens + max(0.0, at - since) * self.rate)
        return tokens + max(0.0, at - since) * self.rate
