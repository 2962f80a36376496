"""Bug: any item is accepted through str(), so 1 and "1" are one item and None is "None".

Taking ``str(item)`` for whatever comes in looks generous, but a filter of user ids
then answers for ints, floats, None and lists alike, and 1, 1.0 and "1" collide or not
depending on their text. The contract takes str and bytes only.
"""

from __future__ import annotations

from solutions import bloom as reference

KILLED_BY = "TestPart1BadInput::test_items_that_are_not_str_or_bytes"
KILLED_WITH = "Failed"


class BloomFilter(reference.BloomFilter):
    @staticmethod
    def item_bytes(item: object) -> bytes:
        if isinstance(item, bytes):
            return item
        # BUG: anything goes (correct: TypeError naming item unless str or bytes)
        return str(item).encode()
