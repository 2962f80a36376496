"""Bug: items are hashed as str(item).encode(), so b"a" is the text "b'a'", not the item "a".

pybloom-live's way of taking any key. A str and its UTF-8 bytes must be one item: an
item added as bytes by one service and looked up as text by another is not found.
"""

from __future__ import annotations

from solutions import bloom as reference

KILLED_BY = "TestBloomMachine::runTest"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"a str stands for its UTF-8 bytes"


class BloomFilter(reference.BloomFilter):
    @staticmethod
    def item_bytes(item: object) -> bytes:
        if not isinstance(item, str | bytes):
            raise TypeError(f"item must be a str or bytes, got {type(item).__name__}")
        # BUG: str(b"a") is "b'a'" (correct: item.encode() for a str, the bytes as they are)
        return str(item).encode()
