"""Bug: blocking acquire() gives up when a whole pause would overrun the deadline.

redis-py's rule: stop once ``now + retry_interval`` is past the deadline. With
``timeout=0.4`` and ``retry_interval=0.1`` on a real clock the fourth pause ends a
little after 0.4 s, so the waiter gives up at 0.3 s, a whole interval early, and a lock
freed in that interval is missed. The contract shortens the last pause to end at the
deadline and makes one last attempt there.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from solutions import lock as reference

KILLED_BY = "TestPart2Blocking::test_gives_up_at_the_deadline"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"gave up at .* before its deadline"


class RedisLock(reference.RedisLock):
    def attempts(self, timeout: float | None) -> Iterator[None]:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            yield
            # BUG: gives up rather than shorten the pause
            # (correct: pause = min(retry_interval, deadline - now), stop when none is left)
            if deadline is not None and time.monotonic() + self.retry_interval > deadline:
                return
            time.sleep(self.retry_interval)
