"""Bug: the token comes from the `random` module, which is reproducible and predictable.

`random` is a Mersenne Twister: reproducible from its seed and predictable from its
outputs. Tokens that prove ownership come from `secrets` (the OS's randomness).
"""

from __future__ import annotations

import random

from solutions import lock as reference

KILLED_BY = "TestPart1Acquire::test_token_not_from_random_or_clock"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"reseeding `random`"


class RedisLock(reference.RedisLock):
    def new_token(self) -> str:
        # BUG: predictable randomness (correct: secrets.token_hex(16))
        return f"{random.getrandbits(128):032x}"
