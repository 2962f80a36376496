"""Bug: close() gives up quietly when the store keeps failing: the pending writes vanish.

The caller was told every write succeeded; at shutdown the last chance to save them is an
exception that names them (FlushError with the unwritten values).
"""

from __future__ import annotations

from solutions import write_behind as reference

KILLED_BY = "TestPart2Close::test_close_retries_then_raises_with_every_unwritten_write"
KILLED_WITH = "Failed"


class WriteBehindCache(reference.WriteBehindCache):
    def close(self) -> None:
        try:
            super().close()
        except reference.FlushError:
            pass  # BUG: lost without a word (correct: let FlushError reach the caller)
