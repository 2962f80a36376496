"""Bug: reads never check the expiry time: an expired value is served until a set() drops it.

get(), `in` and remaining() look the key up and stop there; only reclamation (on the next
set) makes an expired entry go away, and a cache nobody writes to serves it for ever.
"""

from solutions import ttl as reference

KILLED_BY = "TestPart1Basics::test_an_expired_entry_is_never_returned"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"get\('a'\) returned 'A' at 1003"


class TTLCache(reference.TTLCache):
    def is_expired(self, expires_at: float, now: float) -> bool:
        return False  # BUG: no read compares the clock; correct: return now >= expires_at
