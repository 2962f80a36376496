"""Bug: flush() never claims other consumers' entries: a crashed flusher's writes stay pending.

Entries delivered to a consumer stay in its pending list until it acknowledges them; if it
died, only XAUTOCLAIM (or XCLAIM) by another consumer gets them written.
"""

from __future__ import annotations

from typing import Any

from solutions import write_behind as reference

KILLED_BY = "TestPart3Stream::test_a_crashed_flushers_entries_are_claimed_after_claim_idle"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"must claim them"


class StreamWriteBehind(reference.StreamWriteBehind):
    def read_batch(self) -> list[reference.Entry]:
        # BUG: no XAUTOCLAIM step (correct: claim idle entries first)
        for start in ("0", ">"):
            reply: Any = self.client.xreadgroup(self.GROUP, self.consumer,
                                                {self.stream: start}, count=self.max_batch)
            entries = self.parse(reply[0][1] if reply else [])
            if entries:
                return entries
        return []
