"""Bug: a copy stores its entries in expiry order, so the copy forgets which were used last.

Sorted by expiry time, the entries rebuild the expiry records in one pass, but the copy
then evicts in expiry order: a key read a moment ago goes first if it expires first.
"""

from typing import Any

from solutions import ttl as reference

KILLED_BY = "TestPart2Copies::test_a_copy_keeps_entries_expiry_times_and_use_order"
KILLED_WITH = "Failed"
KILLED_MATCHING = r"evicts in another order"


class TTLCache(reference.TTLCache):
    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        # BUG: (key, value, expires_at) sorted by expiry; the reference keeps the use order
        state["entries"].sort(key=lambda entry: entry[2])
        return state
