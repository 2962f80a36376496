"""Bug: an empty hash tag "{}" counts as a tag, so "foo{}{bar}" hashes the empty string.

Redis takes a tag only when at least one byte lies between the first "{" and the first
"}" after it; otherwise the whole key is hashed. Taking "{}" as a tag puts every key
containing it in slot 0, one node's worth of hot spot, and not where the cluster has it.
"""

from __future__ import annotations

from solutions import consistent_hash as reference

KILLED_BY = "TestPart3KeySlot::test_known_slots"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"key_slot\('foo\{\}\{bar\}'\) is 0,"


def key_slot(key: str | bytes) -> int:
    data = key.encode() if isinstance(key, str) else key
    if not isinstance(data, bytes):
        raise TypeError(f"key must be a str or bytes, got {type(key).__name__}")
    start = data.find(b"{")
    if start != -1:
        end = data.find(b"}", start + 1)
        if end != -1:  # BUG: "{}" is taken as a tag (correct: end > start + 1)
            data = data[start + 1 : end]
    return reference.crc16(data) % reference.SLOTS
