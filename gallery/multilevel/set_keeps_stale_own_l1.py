"""Bug: set() updates L2 and tells the others, but leaves its own old L1 copy in place.

The writer is the one instance that never hears its own message, so it keeps reading
the value it just replaced.
"""

from __future__ import annotations

from typing import Any

from solutions.multilevel import MultiLevelCache as Reference

KILLED_BY = "TestPart1ReadThrough::test_set_overwrites_and_the_writer_reads_its_own_write"
KILLED_WITH = "AssertionError"


class MultiLevelCache(Reference):
    def set(self, key: str, value: Any) -> None:
        self.check_key(key)
        self.send_set(key, self.serializer.dumps(value))
        # BUG: L1 is not touched (correct: self.forget(key) before sending, then keep the
        # decoded new value in L1)
