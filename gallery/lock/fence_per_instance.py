"""Bug: the fencing token is counted per instance, so it does not increase across holders.

Storage that rejects writes carrying a fence number below the highest it has seen only
works if every holder, in every process, draws from the one counter in Redis. Here each
instance counts its own acquisitions: a second instance starts again at 1.
"""

from __future__ import annotations

from solutions import lock as reference

# In the suite's order the one-slot check of acquire's keys comes first: the per-instance
# fence counter is a key the acquire never names.
KILLED_BY = ("TestPart2Fencing::test_fencing_token_lifecycle",
             "TestPart2Fencing::test_acquire_keeps_its_keys_in_one_slot")
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"expected one INCR|no command or script names the fence counter"


class RedisLock(reference.RedisLock):
    acquisitions = 0  # this instance's own count

    def do_acquire(self, token: str) -> int | None:
        if not self.client.set(self.key, token, nx=True, px=self.to_milliseconds(self.ttl)):
            return None
        self.acquisitions += 1
        # BUG: another instance counts from 1 too (correct: INCR {lock:<name>}:fence, here
        # in ACQUIRE_SCRIPT with the SET)
        return self.acquisitions
