"""Bug: every acquisition writes the same token, so any instance can release anyone's lock.

The token is the proof of ownership that release() and extend() compare against. When
every holder writes "locked", a holder whose lease expired (or any other instance that
once acquired) passes the compare and deletes the current holder's lock.
"""

from __future__ import annotations

from solutions import lock as reference

KILLED_BY = "TestPart1Acquire::test_fresh_token_per_acquisition"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"all five acquisitions"


class RedisLock(reference.RedisLock):
    def new_token(self) -> str:
        return "locked"  # BUG: a constant proves nothing (correct: secrets.token_hex(16))
