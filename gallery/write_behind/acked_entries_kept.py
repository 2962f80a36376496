"""Bug: written entries are acknowledged but never deleted, so the stream grows for ever.

XACK only removes an entry from the pending list; the stream keeps it. With no TTL on the
stream (it must have none), only XDEL (or trimming behind the acknowledged ids) bounds it.
"""

from __future__ import annotations

from solutions import write_behind as reference

KILLED_BY = "TestPart3Stream::test_flush_writes_the_last_value_per_key_then_acks_and_deletes"
KILLED_WITH = "AssertionError"


class StreamWriteBehind(reference.StreamWriteBehind):
    # BUG: XACK without XDEL (correct: redis.call('XDEL', KEYS[1], unpack(ids)) after XACK)
    ACK_SCRIPT = reference.StreamWriteBehind.ACK_SCRIPT.replace(
        "        redis.call('XDEL', KEYS[1], unpack(ids))\n", "", 1)
