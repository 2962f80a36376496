"""Bug: the entry and lock keys have no common hash tag: on Redis Cluster every script fails.

Taking the lock checks the entry in the same script, and storing releases the lock in the
same script: two keys per call. A cluster runs a script only if all its keys hash to one
slot, and ``sc:entry:k`` and ``sc:lock:k`` hash, as whole keys, to two unrelated slots:
CROSSSLOT on the first miss. One Redis (or fakeredis) does not mind, which is how this
ships.
"""

from __future__ import annotations

from solutions import stampede as reference

KILLED_BY = "TestPart3StampedeCache::test_entry_and_lock_share_a_hash_slot"
KILLED_WITH = "AssertionError"


class StampedeCache(reference.StampedeCache):
    def entry_key(self, key: str) -> str:
        return f"{self.prefix}:entry:{key}"  # BUG: no hash tag
        # (correct: f"{{{self.prefix}:{key}}}:entry", the part in braces placing the key)

    def lock_key(self, key: str) -> str:
        return f"{self.prefix}:lock:{key}"  # BUG: another slot than the entry's
        # (correct: f"{{{self.prefix}:{key}}}:lock", the entry's hash tag)
