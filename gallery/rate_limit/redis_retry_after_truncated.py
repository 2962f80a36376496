"""Bug: the Redis bucket returns retry_after as a Lua number, which Redis truncates to an int.

A Lua number in a reply becomes an integer reply: 0.5 s arrives as 0, so the client retries
at once and is denied again. Return it as a string (string.format('%.17g', wait)).
"""

from solutions import rate_limit as reference

KILLED_BY = "test_redis_limiter_against_model"
KILLED_WITH = "AssertionError"


class RedisTokenBucketLimiter(reference.RedisTokenBucketLimiter):
    # BUG: a number; the reference returns num(wait), the wait as text
    LUA_SCRIPT = reference.TOKEN_BUCKET_SCRIPT.replace(
        "return {0, math.floor(tokens), num(wait)}", "return {0, math.floor(tokens), wait}")
