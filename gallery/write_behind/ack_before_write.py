"""Bug: entries are acknowledged and deleted before the store write, so a failed write loses them.

At-least-once needs the order write, then acknowledge: a crash or an error between the two
then means a retry, not a loss.
"""

from __future__ import annotations

from solutions import write_behind as reference

KILLED_BY = "TestPart3Stream::test_a_failed_store_write_acks_nothing_and_is_retried"
KILLED_WITH = "AssertionError"


class StreamWriteBehind(reference.StreamWriteBehind):
    def flush(self) -> int:
        entries = self.read_batch()
        if not entries:
            return 0
        latest = self.still_newest(self.latest_per_key(entries))
        acknowledged = self.acknowledge(entries, latest)  # BUG: before the write
        # (correct: write_many first, acknowledge only when it returned)
        if latest:
            self.store.write_many({e.key: e.value for e in latest})
        return acknowledged
