"""A first attempt by someone at home with Redis: writes are one Lua script each (SET or
DEL plus PUBLISH), the subscription is made on the first read. Written from the stub only.

Its mistakes, in the order a learner meets them:

1. ``get_or_load`` stores the loaded value with a plain SET: the one L2 key without a TTL.
2. An L1 hit restarts the entry's l1_ttl, so a hot key can stay stale for ever.
3. ``delete`` runs a script that deletes but does not publish.
4. The write script is given the channel as a key: keys in two hash slots, which Redis
   Cluster refuses.
5. ``get`` on an L1 miss lets a ConnectionError escape while Redis is down.
"""

import json
import math
import secrets
import threading
import time
from collections import OrderedDict

import redis

SET_AND_PUBLISH = """
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('PUBLISH', KEYS[2], ARGV[3])
return 1
"""

DELETE = """
return redis.call('DEL', KEYS[1])
"""

MISS = object()


def duration(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name}: expected seconds, got {value!r}")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name}: expected finite seconds > 0, got {value!r}")
    return float(value)


class MultiLevelCache:
    def __init__(self, client, *, namespace="mlc", l1_maxsize=1024, l1_ttl=5.0,
                 l2_ttl=300.0, clock=time.monotonic, serializer=None):
        if not isinstance(namespace, str):
            raise TypeError(f"namespace: expected a str, got {namespace!r}")
        if not namespace:
            raise ValueError("namespace: must not be empty")
        if isinstance(l1_maxsize, bool) or not isinstance(l1_maxsize, int):
            raise TypeError(f"l1_maxsize: expected an int, got {l1_maxsize!r}")
        if l1_maxsize < 1:
            raise ValueError(f"l1_maxsize: expected >= 1, got {l1_maxsize}")
        self.l1_ttl = duration("l1_ttl", l1_ttl)
        self.l2_ms = max(1, int(duration("l2_ttl", l2_ttl) * 1000))
        self.r = client
        self.ns = namespace
        self.chan = f"{namespace}:invalidations"
        self.size = l1_maxsize
        self.now = clock
        self.codec = serializer or json
        self.uid = secrets.token_urlsafe(12)
        self.mem = OrderedDict()
        self.guard = threading.RLock()
        self.counts = dict.fromkeys(("l1_hits", "l2_hits", "misses"), 0)
        self.set_script = client.register_script(SET_AND_PUBLISH)
        self.del_script = client.register_script(DELETE)
        self.ps = None
        self.is_closed = False

    def _checked(self, key):
        if not isinstance(key, str):
            raise TypeError(f"key: expected a str, got {key!r}")
        if self.is_closed:
            raise RuntimeError("MultiLevelCache is closed")
        return f"{self.ns}:{key}"

    def _local(self, key):
        with self.guard:
            item = self.mem.get(key)
            if item is None or self.now() >= item[1]:
                self.mem.pop(key, None)
                return MISS
            self.mem[key] = (item[0], self.now() + self.l1_ttl)
            self.mem.move_to_end(key)
            self.counts["l1_hits"] += 1
            return item[0]

    def _keep(self, key, value):
        with self.guard:
            self.mem[key] = (value, self.now() + self.l1_ttl)
            self.mem.move_to_end(key)
            while len(self.mem) > self.size:
                self.mem.popitem(last=False)

    def _remote(self, name):
        raw = self.r.get(name)
        if raw is None:
            return MISS
        try:
            return self.codec.loads(raw)
        except (TypeError, ValueError):
            return MISS

    def _count(self, what):
        with self.guard:
            self.counts[what] += 1

    def get(self, key, default=None):
        name = self._checked(key)
        self.process_invalidations()
        value = self._local(key)
        if value is MISS:
            value = self._remote(name)
            self._count("misses" if value is MISS else "l2_hits")
            if value is MISS:
                return default
            self._keep(key, value)
        return value

    def get_or_load(self, key, loader):
        name = self._checked(key)
        self.process_invalidations()
        value = self._local(key)
        if value is not MISS:
            return value
        try:
            value = self._remote(name)
        except (redis.ConnectionError, redis.TimeoutError):
            self._count("misses")
            return loader()
        if value is not MISS:
            self._count("l2_hits")
            self._keep(key, value)
            return value
        self._count("misses")
        loaded = loader()
        data = self.codec.dumps(loaded)
        self.r.set(name, data)
        self._keep(key, self.codec.loads(data))
        return loaded

    def set(self, key, value):
        name = self._checked(key)
        data = self.codec.dumps(value)
        with self.guard:
            self.mem.pop(key, None)
        message = json.dumps({"sender": self.uid, "key": key})
        self.set_script(keys=[name, self.chan], args=[data, self.l2_ms, message])
        self._keep(key, self.codec.loads(data))

    def delete(self, key):
        name = self._checked(key)
        with self.guard:
            self.mem.pop(key, None)
        return bool(self.del_script(keys=[name]))

    def process_invalidations(self):
        if self.is_closed:
            raise RuntimeError("MultiLevelCache is closed")
        applied = 0
        try:
            if self.ps is None:
                self.ps = self.r.pubsub()
                self.ps.subscribe(self.chan)
            while True:
                message = self.ps.get_message(timeout=0)
                if message is None:
                    return applied
                if message["type"] != "message":
                    continue
                body = json.loads(message["data"])
                if body["sender"] != self.uid:
                    with self.guard:
                        self.mem.pop(body["key"], None)
                    applied += 1
        except (redis.ConnectionError, redis.TimeoutError):
            self.ps = None
            return applied

    def stats(self):
        with self.guard:
            return dict(self.counts)

    def close(self):
        if self.is_closed:
            return
        self.is_closed = True
        if self.ps is not None:
            self.ps.close()
        with self.guard:
            self.mem.clear()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


# The first failure a learner sees, checked by make verify:
KILLED_BY = "TestPart1ReadThrough::test_get_or_load_on_a_miss_fills_l2_with_ttl_then_l1"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"PTTL -1 ms"
LOOKS_LIKE = ("l2_without_ttl",)
