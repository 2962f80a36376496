"""Bug: delete() drops the L1 copy only after Redis answered, so a failed delete keeps it.

With Redis down, delete() raises as it should, but this instance goes on serving the
value the caller just tried to delete.
"""

from __future__ import annotations

from solutions.multilevel import MultiLevelCache as Reference

KILLED_BY = "TestPart3RedisDown::test_delete_drops_the_local_copy_and_raises"
KILLED_WITH = "AssertionError"


class MultiLevelCache(Reference):
    def delete(self, key: str) -> bool:
        self.check_key(key)
        deleted = self.send_delete(key)
        self.forget(key)  # BUG: skipped when send_delete() raises (correct: before it)
        return deleted
