"""Bug: len() counts the entries the cache holds, expired ones not yet dropped included.

Expired entries linger until something drops them, so counting what is stored overcounts:
len() must count the live entries only.
"""

from solutions import ttl as reference

KILLED_BY = "TestPart1Basics::test_an_expired_entry_is_never_returned"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"len\(cache\) is 1 at 1003"


class TTLCache(reference.TTLCache):
    def __len__(self) -> int:
        # BUG: expired entries still held are counted; the reference drops them first
        return self.currsize
