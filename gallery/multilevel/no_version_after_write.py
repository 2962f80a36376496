"""Bug: delete() starts a new version before its Redis command, but not after it.

A get() that starts while the delete is under way takes the delete's version, reads the
old value from L2 before the DEL reaches Redis, and promotes it after the delete has
returned: the version is unchanged, so the deleted value lands in L1 and is served until
l1_ttl. A write must start a new version once its command is done, too.
"""

from __future__ import annotations

from solutions.multilevel import MultiLevelCache as Reference

KILLED_BY = (
    "TestPart2Coherence::test_a_read_starting_during_an_own_write_does_not_promote_the_old_value"
)
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"after delete\('k'\) had returned"


class MultiLevelCache(Reference):
    def delete(self, key: str) -> bool:
        self.check_key(key)
        self.forget(key)
        return self.send_delete(key)  # BUG: correct: forget(key) again once it is sent
