"""Bug: release() deletes the key without checking the token: it frees another holder's lock.

The release of many tutorials. If this holder's lease expired and someone else acquired
the lock, the late release() deletes the new holder's key: now two processes run the
critical section.
"""

from __future__ import annotations

from solutions import lock as reference

KILLED_BY = "TestPart1Release::test_release_after_takeover_raises_and_spares_new_holder"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"deleted the new holder's lock"


class RedisLock(reference.RedisLock):
    def do_release(self, token: str) -> bool:
        # BUG: deletes whoever's lock is there now
        # (correct: RELEASE_SCRIPT, which deletes only if the key holds token)
        return bool(self.client.delete(self.key))
