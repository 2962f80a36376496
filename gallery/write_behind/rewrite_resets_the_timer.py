"""Bug: writing a pending key again resets its time, so a hot key is never flushed.

Coalescing must change the value only: the key keeps the time (and place) of its first
unflushed write. Here a key written more often than flush_interval waits for ever.
"""

from __future__ import annotations

from solutions import write_behind as reference

KILLED_BY = "TestPart2Buffering::test_a_rewritten_key_keeps_its_first_time"
KILLED_WITH = "AssertionError"


class WriteBehindCache(reference.WriteBehindCache):
    def mark_pending(self, key: str, now: float) -> None:
        self.waiting.pop(key, None)
        self.waiting[key] = now  # BUG: a new time and place (correct: setdefault)
