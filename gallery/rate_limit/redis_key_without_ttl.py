"""Bug: the Redis token bucket writes its hash without a TTL, so every key ever seen stays forever.

Each write must PEXPIRE the key (here: once the bucket would be full again, it is the same
as absent); otherwise memory grows with every client id ever limited.
"""

from solutions import rate_limit as reference

KILLED_BY = "TestPart2Redis::test_every_key_written_has_a_ttl"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"has no TTL"


class RedisTokenBucketLimiter(reference.RedisTokenBucketLimiter):
    # BUG: the write sets no TTL; the reference's script follows its HSET with
    # redis.call('PEXPIRE', key, ARGV[5])
    LUA_SCRIPT = reference.TOKEN_BUCKET_SCRIPT.replace(
        "redis.call('PEXPIRE', key, ARGV[5])", "-- no PEXPIRE")
