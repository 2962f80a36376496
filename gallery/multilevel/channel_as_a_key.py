"""Bug: the write script is given the channel as a key: on Redis Cluster it is refused.

A cluster routes a script by its keys and runs it only if they all hash to one slot; the
L2 entry and the channel name hash to two unrelated slots: CROSSSLOT on every set(). A
channel is not a key (a PUBLISH reaches every node anyway): it belongs in ARGV.
"""

from __future__ import annotations

from solutions.multilevel import MultiLevelCache as Reference

KILLED_BY = "TestPart2Coherence::test_a_write_and_its_announcement_are_one_script_call"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"the channel as a key"


class MultiLevelCache(Reference):
    # KEYS[1]: the L2 entry. KEYS[2]: the channel. ARGV: the data, its TTL in ms, the message.
    SET_SCRIPT = """
    redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2])
    redis.call('publish', KEYS[2], ARGV[3])
    return 1
    """

    def send_set(self, key: str, data: str | bytes) -> None:
        # BUG: the channel passed as a key (correct: SET_SCRIPT, KEYS the entry alone)
        self.client.eval(self.SET_SCRIPT, 2, self.l2_key(key), self.channel,
                         data, self.l2_ttl_ms, self.invalidation(key))
