"""Bug: delete() removes the key but does not announce it, so other instances keep serving it.

set() still publishes, so coherence looks fine until the first delete.
"""

from __future__ import annotations

from solutions.multilevel import MultiLevelCache as Reference

KILLED_BY = "TestPart2Coherence::test_delete_by_one_instance_is_seen_by_another"
KILLED_WITH = "AssertionError"


class MultiLevelCache(Reference):
    def send_delete(self, key: str) -> bool:
        pipe = self.client.pipeline(transaction=True)
        pipe.delete(self.l2_key(key))
        # BUG: no self.announce(pipe, key): nobody else drops their copy
        return bool(pipe.execute()[0])
