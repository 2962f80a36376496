"""Bug: the fence counter has no hash tag: on Redis Cluster the acquire script is refused.

The script that takes the lock and the next fencing token touches two keys, and a
cluster runs a script only if all its keys live in one hash slot. ``lock:<name>:fence``
hashes as a whole, somewhere else than ``{lock:<name>}``, whose slot comes from the part
between the braces: every acquire fails with CROSSSLOT. (A single Redis, or fakeredis,
does not mind, which is how this ships.)
"""

from __future__ import annotations

from typing import Any

import redis

from solutions import lock as reference

KILLED_BY = "TestPart2Fencing::test_acquire_keeps_its_keys_in_one_slot"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"in different hash slots"


class RedisLock(reference.RedisLock):
    def __init__(self, client: redis.Redis, name: str, **options: Any) -> None:
        super().__init__(client, name, **options)
        self.fence_key = f"lock:{name}:fence"  # BUG: no hash tag
        # (correct: f"{{lock:{name}}}:fence", the lock key's tag, so both share a slot)
