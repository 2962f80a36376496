"""Bug: every Redis error fails open, not only an outage, so real bugs are hidden.

``except redis.RedisError`` (or ``except Exception``) around the cache also swallows a
``ResponseError`` such as WRONGTYPE: someone else's data under the key, a script error,
a wrong command. The service keeps working, uncached, and the bug is never seen. Only
``ConnectionError`` and ``TimeoutError`` mean "Redis is unavailable".
"""

from __future__ import annotations

import redis

from solutions import redis_cache as reference

KILLED_BY = "TestPart3FailOpen::test_other_redis_errors_propagate"
KILLED_WITH = "Failed"


class CachedFunction(reference.CachedFunction):
    # BUG: any Redis error; correct: (redis.exceptions.ConnectionError, TimeoutError)
    outage_errors = (redis.exceptions.RedisError,)


redis_cache = CachedFunction.decorator
