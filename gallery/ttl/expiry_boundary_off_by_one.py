"""Bug: the expiry rule is off by one instant: an entry is still live at exactly t + ttl.

`now > expires_at` where `now >= expires_at` belongs: at the instant the entry expires,
get(), `in` and remaining() still serve it.
"""

from solutions import ttl as reference

KILLED_BY = "TestPart1Basics::test_expiry_boundary"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"at exactly t \+ ttl"


class TTLCache(reference.TTLCache):
    def is_expired(self, expires_at: float, now: float) -> bool:
        return now > expires_at  # BUG: live at exactly t + ttl; correct: now >= expires_at
