"""Bug: the token is the acquisition time: neither unique (same instant) nor secret.

Two acquisitions in the same clock tick (coarse clocks make that common) write the same
token, and anyone who can guess the time can forge it.
"""

from __future__ import annotations

import time

from solutions import lock as reference

KILLED_BY = "TestPart1Acquire::test_token_not_from_random_or_clock"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"clock frozen"


class RedisLock(reference.RedisLock):
    def new_token(self) -> str:
        # BUG: the time is neither unique nor secret (correct: secrets.token_hex(16))
        return f"{time.time_ns():032d}"
