"""Bug: a write and its PUBLISH go in one MULTI/EXEC, which redis-py refuses on Redis Cluster.

One round trip and atomic on one Redis (the tutorials' way), and fakeredis is happy too;
but redis-py's cluster client blocks every PUBLISH in a pipeline, so on a cluster every
set() raises. One script does the same there: SET ... PX, then PUBLISH, in Lua.
"""

from __future__ import annotations

from solutions.multilevel import MultiLevelCache as Reference

KILLED_BY = "TestPart2Coherence::test_a_write_and_its_announcement_are_one_script_call"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"a PUBLISH in a pipeline"


class MultiLevelCache(Reference):
    def send_set(self, key: str, data: str | bytes) -> None:
        pipe = self.client.pipeline(transaction=True)  # BUG: PUBLISH in a pipeline
        pipe.set(self.l2_key(key), data, px=self.l2_ttl_ms)
        pipe.publish(self.channel, self.invalidation(key))
        pipe.execute()
        # (correct: one call of SET_SCRIPT, which does the SET ... PX and the PUBLISH)
