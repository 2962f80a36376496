"""Bug: one token per instance, not per acquisition: a stale release can free a newer lease.

If this instance's lease expired and the same instance acquired again, a delayed
release() from the first acquisition matches the second one's token.
"""

from __future__ import annotations

from solutions import lock as reference

KILLED_BY = "TestPart1Acquire::test_fresh_token_per_acquisition"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"One token per instance"


class RedisLock(reference.RedisLock):
    instance_token: str | None = None  # drawn by the first acquire(), then kept

    def new_token(self) -> str:
        if self.instance_token is None:
            self.instance_token = super().new_token()
        # BUG: one token for all acquisitions of this instance (correct: a fresh one each)
        return self.instance_token
