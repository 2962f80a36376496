"""Bug: release() is GET, compare, then DEL: the lease can expire and change hands in between.

Two round trips are not atomic: after the GET said "mine", the key may expire and be
acquired by another process before the DEL, which then deletes the new holder's lock.
"""

from __future__ import annotations

from solutions import lock as reference

KILLED_BY = "TestPart1Release::test_release_is_one_script_call"
KILLED_WITH = "AssertionError"


class RedisLock(reference.RedisLock):
    def do_release(self, token: str) -> bool:
        value = self.client.get(self.key)
        if isinstance(value, bytes):
            value = value.decode()
        if value != token:
            return False
        # BUG: not atomic with the GET above
        # (correct: compare and delete in one Lua script, RELEASE_SCRIPT)
        return bool(self.client.delete(self.key))
