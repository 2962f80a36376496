"""Bug: blocking acquire() ignores the timeout and waits until it gets the lock.

The timeout (or the instance's blocking_timeout) is checked and then forgotten: a caller
that asked to give up after a second hangs for as long as somebody else holds the lock.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from solutions import lock as reference

KILLED_BY = "TestPart2Blocking::test_zero_timeout_tries_once"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"still retrying after"


class RedisLock(reference.RedisLock):
    def attempts(self, timeout: float | None) -> Iterator[None]:
        # BUG: never looks at timeout (correct: stop at a deadline timeout seconds from
        # now, read from time.monotonic(), the last pause shortened to end there)
        while True:
            yield
            time.sleep(self.retry_interval)
