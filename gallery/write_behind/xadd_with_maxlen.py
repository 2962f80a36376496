"""Bug: XADD trims the stream with MAXLEN, which drops the oldest entries whether written or not.

A cap on the stream looks like good hygiene; but the oldest entries are exactly the
acknowledged writes the store has not taken yet.
"""

from __future__ import annotations

from solutions import write_behind as reference

KILLED_BY = "TestPart3Stream::test_put_is_one_xadd_of_json"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"MAXLEN"


class StreamWriteBehind(reference.StreamWriteBehind):
    def append(self, key: str, encoded: str) -> None:
        # BUG: maxlen (correct: no MAXLEN; entries are deleted once written)
        self.client.xadd(self.stream, {"k": key, "v": encoded}, maxlen=1000, approximate=False)
