"""Bug: a str key is encoded as Latin-1, not UTF-8, before it is hashed.

ASCII keys agree, so every test with "user:42" passes; "café" becomes 4 bytes instead of
5 and lands in another slot than redis-py and the server compute for the same key.
"""

from __future__ import annotations

from solutions import consistent_hash as reference

KILLED_BY = "TestPart3KeySlot::test_known_slots"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"key_slot\('café'\) is 9182,"


def key_slot(key: str | bytes) -> int:
    if isinstance(key, str):
        key = key.encode("latin-1")  # BUG: Redis keys are the UTF-8 bytes (correct: encode())
    if not isinstance(key, bytes):
        raise TypeError(f"key must be a str or bytes, got {type(key).__name__}")
    start = key.find(b"{")
    if start != -1:
        end = key.find(b"}", start + 1)
        if end > start + 1:
            key = key[start + 1 : end]
    return reference.crc16(key) % reference.SLOTS
