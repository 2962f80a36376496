"""Bug: two flushes may run at once, so a newer batch can reach the store before an older one.

Without a lock around the whole flush, a second flusher takes the key written during the
first flight and writes it while the first, older batch is still on its way.
"""

from __future__ import annotations

import contextlib
from typing import Any

from solutions import write_behind as reference

KILLED_BY = "TestPart2Threads::test_one_flush_at_a_time"
KILLED_WITH = "AssertionError"


class WriteBehindCache(reference.WriteBehindCache):
    def __init__(self, store: reference.Store, **options: Any) -> None:
        super().__init__(store, **options)
        self.flush_lock = contextlib.nullcontext()  # type: ignore[assignment]
        # BUG: no lock (correct: threading.Lock(), held for the whole flush)
