"""Bug: the CRC starts from 0xFFFF (CRC-16/CCITT-FALSE) instead of 0 (XMODEM).

Both use the polynomial 0x1021 and "CRC16 CCITT" names either; Redis Cluster uses
XMODEM. With the wrong initial value every key lands in another slot than the
cluster's, and the client is redirected (MOVED) on every command.
"""

from __future__ import annotations

KILLED_BY = "TestPart3Crc16::test_the_check_value"
KILLED_WITH = "AssertionError"


def crc16(data: bytes) -> int:
    if not isinstance(data, bytes):
        raise TypeError(f"data must be bytes, got {type(data).__name__}")
    crc = 0xFFFF  # BUG: CCITT-FALSE's initial value (correct: 0)
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc

