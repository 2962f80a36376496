"""A careful first attempt: a sentinel for misses, the injected clock, an OrderedDict LRU,
one MULTI/EXEC per write. Written from the stub only.

Its mistakes, in the order a learner meets them:

1. An L1 entry is served while ``clock() <= expires_at``: one instant past its l1_ttl.
2. Messages are applied whoever sent them: the instance drops its own fresh writes and
   counts its own messages.
3. A read promotes what it read from L2 with no check that nothing was invalidated
   meanwhile.
4. The MULTI/EXEC of each write holds its PUBLISH, which redis-py's Redis Cluster client
   refuses: every write fails on a cluster.
5. ``process_invalidations`` lets a ConnectionError escape, so no read survives an outage.
"""

import json
import math
import secrets
import threading
import time
from collections import OrderedDict

_NOTHING = object()


class _Json:
    def dumps(self, obj):
        return json.dumps(obj)

    def loads(self, data):
        return json.loads(data)


def _seconds(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    if math.isnan(value) or math.isinf(value) or value <= 0:
        raise ValueError(f"{name} must be finite and > 0, got {value}")
    return value


class MultiLevelCache:
    def __init__(self, client, *, namespace="mlc", l1_maxsize=1024, l1_ttl=5.0,
                 l2_ttl=300.0, clock=time.monotonic, serializer=None):
        if not isinstance(namespace, str):
            raise TypeError("namespace must be a str")
        if namespace == "":
            raise ValueError("namespace must not be empty")
        if isinstance(l1_maxsize, bool) or not isinstance(l1_maxsize, int):
            raise TypeError("l1_maxsize must be an int")
        if l1_maxsize < 1:
            raise ValueError("l1_maxsize must be at least 1")
        self._ttl = _seconds("l1_ttl", l1_ttl)
        self._px = max(1, int(_seconds("l2_ttl", l2_ttl) * 1000))
        self._redis = client
        self._ns = namespace
        self._channel = namespace + ":invalidations"
        self._max = l1_maxsize
        self._clock = clock
        self._ser = serializer if serializer is not None else _Json()
        self._me = secrets.token_hex(16)
        self._l1 = OrderedDict()
        self._mu = threading.Lock()
        self._stats = {"l1_hits": 0, "l2_hits": 0, "misses": 0}
        self._closed = False
        self._ps = client.pubsub()
        self._ps.subscribe(self._channel)

    # helpers
    def _key(self, key):
        if not isinstance(key, str):
            raise TypeError(f"key must be a str, not {type(key).__name__}")
        if self._closed:
            raise RuntimeError("cache is closed")
        return f"{self._ns}:{key}"

    def _from_l1(self, key):
        with self._mu:
            entry = self._l1.get(key)
            if entry is None:
                return _NOTHING
            if self._clock() > entry[1]:
                del self._l1[key]
                return _NOTHING
            self._l1.move_to_end(key)
            self._stats["l1_hits"] += 1
            return entry[0]

    def _to_l1(self, key, value):
        with self._mu:
            self._l1[key] = (value, self._clock() + self._ttl)
            self._l1.move_to_end(key)
            if len(self._l1) > self._max:
                self._l1.popitem(last=False)

    def _from_l2(self, name):
        raw = self._redis.get(name)
        if raw is None:
            return _NOTHING
        try:
            return self._ser.loads(raw)
        except (ValueError, TypeError):
            return _NOTHING

    def _announce(self, pipe, key):
        pipe.publish(self._channel, json.dumps({"sender": self._me, "key": key}))

    # API
    def get(self, key, default=None):
        name = self._key(key)
        self.process_invalidations()
        value = self._from_l1(key)
        if value is not _NOTHING:
            return value
        value = self._from_l2(name)
        with self._mu:
            self._stats["misses" if value is _NOTHING else "l2_hits"] += 1
        if value is _NOTHING:
            return default
        self._to_l1(key, value)
        return value

    def get_or_load(self, key, loader):
        name = self._key(key)
        self.process_invalidations()
        value = self._from_l1(key)
        if value is not _NOTHING:
            return value
        value = self._from_l2(name)
        if value is not _NOTHING:
            with self._mu:
                self._stats["l2_hits"] += 1
            self._to_l1(key, value)
            return value
        with self._mu:
            self._stats["misses"] += 1
        loaded = loader()
        data = self._ser.dumps(loaded)
        self._redis.set(name, data, px=self._px)
        self._to_l1(key, self._ser.loads(data))
        return loaded

    def set(self, key, value):
        name = self._key(key)
        data = self._ser.dumps(value)
        with self._mu:
            self._l1.pop(key, None)
        pipe = self._redis.pipeline()
        pipe.set(name, data, px=self._px)
        self._announce(pipe, key)
        pipe.execute()
        self._to_l1(key, self._ser.loads(data))

    def delete(self, key):
        name = self._key(key)
        with self._mu:
            self._l1.pop(key, None)
        pipe = self._redis.pipeline()
        pipe.delete(name)
        self._announce(pipe, key)
        return pipe.execute()[0] == 1

    def process_invalidations(self):
        if self._closed:
            raise RuntimeError("cache is closed")
        count = 0
        while (msg := self._ps.get_message(timeout=0)) is not None:
            if msg["type"] != "message":
                continue
            key = json.loads(msg["data"])["key"]
            with self._mu:
                self._l1.pop(key, None)
            count += 1
        return count

    def stats(self):
        with self._mu:
            return dict(self._stats)

    def close(self):
        if not self._closed:
            self._closed = True
            self._ps.close()
            with self._mu:
                self._l1.clear()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


# The first failure a learner sees, checked by make verify:
KILLED_BY = "TestPart1L1Bounds::test_l1_entry_expires_exactly_at_l1_ttl"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"at exactly t \+ l1_ttl returned 'v1' from L1"
LOOKS_LIKE = ("l1_served_at_expiry",)
