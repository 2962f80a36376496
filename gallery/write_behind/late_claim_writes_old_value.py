"""Bug: a claimed entry is written even when a newer value of its key was written since.

A crashed flusher's old entry, claimed after the newer write went through, puts the old
value back: the store goes back in time for that key.
"""

from __future__ import annotations

from solutions import write_behind as reference

KILLED_BY = "TestPart3Stream::test_a_late_claim_does_not_put_back_an_old_value"
KILLED_WITH = "AssertionError"


class StreamWriteBehind(reference.StreamWriteBehind):
    def still_newest(self, entries: list[reference.Entry]) -> list[reference.Entry]:
        return entries  # BUG: no check against the last id written for each key
