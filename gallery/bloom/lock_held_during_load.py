"""Bug: one lock is held around every store read, so a slow read stalls every other miss.

Holding a lock across I/O serialises all loads: one slow query (a cold row, a lock wait
in the database) delays the lookups of every other key until it returns.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from solutions import bloom as reference

KILLED_BY = "TestPart2Threads::test_a_slow_store_read_delays_no_other_lookup"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"get\('other'\)"


class ProtectedLoader(reference.ProtectedLoader):
    def __init__(self, load: Callable[[str], Any], **kwargs: Any) -> None:
        super().__init__(load, **kwargs)
        self.store_lock = threading.Lock()

    def fetch(self, key: str) -> Any:
        with self.store_lock:  # BUG: held during load() (correct: no lock around the store read)
            return super().fetch(key)
