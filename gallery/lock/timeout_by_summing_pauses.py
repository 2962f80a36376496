"""Bug: the blocking timeout is measured by adding up the pauses, not against a deadline.

Each sleep lasts a little longer than asked, so the waiter runs past its deadline; and
the float sum drifts: 8 pauses of 0.05 add up to 0.39999999999999997, so
``acquire(timeout=0.4)`` sleeps once more, for about 5e-17 s, and tries a SET after its
time is up. The deadline is read once from ``time.monotonic()``, and the clock is compared
with it before every pause.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from solutions import lock as reference

KILLED_BY = "TestPart2Blocking::test_gives_up_at_the_deadline"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"past the deadline"


class RedisLock(reference.RedisLock):
    def attempts(self, timeout: float | None) -> Iterator[None]:
        waited = 0.0
        while True:
            yield
            pause = self.retry_interval
            if timeout is not None:
                if waited >= timeout:
                    return
                pause = min(pause, timeout - waited)
            time.sleep(pause)
            # BUG: time asked for is not time passed, and the sum drifts
            # (correct: remaining = deadline - time.monotonic(), deadline read once)
            waited += pause
