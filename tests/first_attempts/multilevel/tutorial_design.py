"""A first attempt in the design most tutorials show for a two-level cache.

Written from the stub in one sitting; the shape (a dict of ``(value, expires_at)``, a
background-free pub/sub drain, SET then EXPIRE) is the tutorials'. Its mistakes, in the
order a learner meets them:

1. ``None`` doubles as "not found": a cached None reads as a miss in both levels, so
   ``get`` answers the default and ``get_or_load`` calls the loader again.
2. L1 ages are measured with ``time.time()``, not with the ``clock`` given.
3. A read promotes what it fetched from L2 even when an invalidation arrived meanwhile.
4. A write is three commands (SET, PEXPIRE, PUBLISH): a crash between them leaves an L2
   key without a TTL, or a write nobody hears of.
5. Redis errors on the read path are not caught (Part 3 not started).
"""

import json
import secrets
import threading
import time
from collections import OrderedDict

import redis


class MultiLevelCache:
    def __init__(self, client, *, namespace="mlc", l1_maxsize=1024, l1_ttl=5.0,
                 l2_ttl=300.0, clock=time.monotonic, serializer=None):
        if not isinstance(namespace, str):
            raise TypeError("namespace must be a str")
        if not namespace:
            raise ValueError("namespace must not be empty")
        if type(l1_maxsize) is not int:
            raise TypeError("l1_maxsize must be an int")
        if l1_maxsize < 1:
            raise ValueError("l1_maxsize must be >= 1")
        for name, value in (("l1_ttl", l1_ttl), ("l2_ttl", l2_ttl)):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise TypeError(f"{name} must be a number")
            if not value > 0 or value == float("inf"):
                raise ValueError(f"{name} must be a positive finite number")
        self.client = client
        self.namespace = namespace
        self.maxsize = l1_maxsize
        self.l1_ttl = l1_ttl
        self.l2_ttl_ms = max(1, int(l2_ttl * 1000))
        self.clock = clock
        self.serializer = serializer or json
        self.id = secrets.token_hex(8)
        self.l1 = OrderedDict()
        self.lock = threading.Lock()
        self.hits = {"l1_hits": 0, "l2_hits": 0, "misses": 0}
        self.closed = False
        self.pubsub = client.pubsub()
        try:
            self.pubsub.subscribe(f"{namespace}:invalidations")
        except redis.ConnectionError:
            pass

    def _check(self, key):
        if self.closed:
            raise RuntimeError("closed")
        if not isinstance(key, str):
            raise TypeError("key must be a str")

    def _l1_get(self, key):
        with self.lock:
            item = self.l1.get(key)
            if item is None:
                return None
            value, expires_at = item
            if time.time() >= expires_at:
                del self.l1[key]
                return None
            self.l1.move_to_end(key)
            return value

    def _l1_put(self, key, value):
        with self.lock:
            self.l1[key] = (value, time.time() + self.l1_ttl)
            self.l1.move_to_end(key)
            while len(self.l1) > self.maxsize:
                self.l1.popitem(last=False)

    def _count(self, what):
        with self.lock:
            self.hits[what] += 1

    def _l2_get(self, key):
        data = self.client.get(f"{self.namespace}:{key}")
        if data is None:
            return None
        try:
            return self.serializer.loads(data)
        except (ValueError, TypeError):
            return None

    def get(self, key, default=None):
        self._check(key)
        self.process_invalidations()
        value = self._l1_get(key)
        if value is not None:
            self._count("l1_hits")
            return value
        value = self._l2_get(key)
        if value is not None:
            self._count("l2_hits")
            self._l1_put(key, value)
            return value
        self._count("misses")
        return default

    def get_or_load(self, key, loader):
        self._check(key)
        value = self.get(key)
        if value is not None:
            return value
        with self.lock:
            self.hits["misses"] -= 1  # get() counted a miss, this one counts it below
        value = loader()
        self.set(key, value)
        self._count("misses")
        return value

    def set(self, key, value):
        self._check(key)
        data = self.serializer.dumps(value)
        with self.lock:
            self.l1.pop(key, None)
        name = f"{self.namespace}:{key}"
        self.client.set(name, data)
        self.client.pexpire(name, self.l2_ttl_ms)
        self.client.publish(f"{self.namespace}:invalidations",
                            json.dumps({"sender": self.id, "key": key}))
        self._l1_put(key, self.serializer.loads(data))

    def delete(self, key):
        self._check(key)
        with self.lock:
            self.l1.pop(key, None)
        deleted = self.client.delete(f"{self.namespace}:{key}")
        self.client.publish(f"{self.namespace}:invalidations",
                            json.dumps({"sender": self.id, "key": key}))
        return deleted > 0

    def process_invalidations(self):
        if self.closed:
            raise RuntimeError("closed")
        applied = 0
        while True:
            message = self.pubsub.get_message(timeout=0)
            if message is None:
                break
            if message["type"] != "message":
                continue
            payload = json.loads(message["data"])
            if payload["sender"] == self.id:
                continue
            with self.lock:
                self.l1.pop(payload["key"], None)
            applied += 1
        return applied

    def stats(self):
        with self.lock:
            return dict(self.hits)

    def close(self):
        if self.closed:
            return
        self.closed = True
        self.pubsub.close()
        with self.lock:
            self.l1.clear()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


# The first failure a learner sees, checked by make verify:
KILLED_BY = "TestPart1ReadThrough::test_values_round_trip_through_both_levels"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"set\('k', None\) then get\('k'\) on the same instance returned MISSING"
LOOKS_LIKE = ("none_is_a_miss",)
