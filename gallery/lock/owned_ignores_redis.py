"""Bug: owned() trusts the instance's memory: still True after the lease expired or moved.

Only Redis knows whether the key still holds this instance's token; the token in memory
only says that this instance once acquired.
"""

from __future__ import annotations

from solutions import lock as reference

KILLED_BY = "TestPart1Release::test_release_after_expiry_raises"
KILLED_WITH = "AssertionError"


class RedisLock(reference.RedisLock):
    def owned(self) -> bool:
        # BUG: Redis may have expired the key or given it to another holder
        # (correct: GET the key and compare it with this instance's token)
        return self.token is not None
