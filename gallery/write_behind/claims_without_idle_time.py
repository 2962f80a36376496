"""Bug: XAUTOCLAIM with a min-idle-time of 0 steals entries another flusher is writing right now.

Then two flushers write the same batch, and a live one's acknowledgement races the thief's:
the idle time is what tells a dead flusher from a busy one.
"""

from __future__ import annotations

from solutions import write_behind as reference

KILLED_BY = "TestPart3Stream::test_a_crashed_flushers_entries_are_claimed_after_claim_idle"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"claim_idle=60 s wrote"


class StreamWriteBehind(reference.StreamWriteBehind):
    def idle_ms(self) -> int:
        return 0  # BUG: claims at once (correct: claim_idle in whole milliseconds)
