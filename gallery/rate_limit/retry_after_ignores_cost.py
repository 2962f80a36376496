"""Bug: the token bucket's retry_after waits for one token instead of `cost` tokens.

A denied hit of cost 3 told to come back when one token is there is denied again: the
wait must be (cost - tokens) / rate.
"""

from solutions import rate_limit as reference

KILLED_BY = "TestPart1Edges::test_token_bucket_retry_after_waits_for_cost_tokens"
KILLED_WITH = "AssertionError"


class TokenBucketLimiter(reference.TokenBucketLimiter):
    def retry_after(self, bucket: tuple[float, float], now: float, cost: int) -> float:
        return super().retry_after(bucket, now, 1)  # BUG: one token; correct: cost
