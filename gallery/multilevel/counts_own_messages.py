"""Bug: an instance applies and counts its own messages, as if another instance had written.

Its own set() then drops the value it just stored in L1 (at the next read), and
process_invalidations() reports messages that no other instance sent.
"""

from __future__ import annotations

from solutions.multilevel import MultiLevelCache as Reference

KILLED_BY = "TestPart2Coherence::test_own_messages_are_ignored"
KILLED_WITH = "AssertionError"


class MultiLevelCache(Reference):
    def is_own(self, sender: object) -> bool:
        return False  # BUG: never recognises its own id (correct: sender == self.instance_id)
