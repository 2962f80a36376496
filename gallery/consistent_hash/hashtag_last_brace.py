"""Bug: the hash tag ends at the last "}" of the key (rfind), not the first after the "{".

For "{user1000}.following" both agree; for "foo{bar}{zap}" the tag becomes "bar}{zap"
and for "foo{}{bar}" it becomes "}{bar": keys meant to share a slot split up, and
multi-key commands on them fail with CROSSSLOT.
"""

from __future__ import annotations

from solutions import consistent_hash as reference

KILLED_BY = "TestPart3KeySlot::test_known_slots"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"key_slot\('foo\{\}\{bar\}'\) is 13139"


def key_slot(key: str | bytes) -> int:
    data = key.encode() if isinstance(key, str) else key
    if not isinstance(data, bytes):
        raise TypeError(f"key must be a str or bytes, got {type(key).__name__}")
    start = data.find(b"{")
    if start != -1:
        end = data.rfind(b"}")  # BUG: the last "}" (correct: data.find(b"}", start + 1))
        if end > start + 1:
            data = data[start + 1 : end]
    return reference.crc16(data) % reference.SLOTS
