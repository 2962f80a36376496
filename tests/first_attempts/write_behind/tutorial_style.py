"""An attempt modelled on the diagrams of a caching tutorial.

Its mistakes, in the order a learner meets them:

1. ``WriteAroundCache.put`` "goes around the cache": it writes the store and does not touch
   the cache at all, so a key that was cached keeps serving the value from before the
   write.
2. The backoff doubles for ever: ``retry_max`` is checked in the constructor and then never
   used.
3. ``StreamWriteBehind.flush`` acknowledges the entries as soon as it has read them ("we
   have them in memory now") and writes the store afterwards: a store failure loses them.
"""

import json
import math
import secrets
import threading
import time


class Store:
    """read(key) / write(key, value) / write_many(items)"""


def validate_key(key):
    if not isinstance(key, str):
        raise TypeError("key: expected str, got %r" % (key,))
    if len(key) == 0:
        raise ValueError("key: empty")


def positive(name, x):
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise TypeError("%s: expected a number" % name)
    if x != x or x in (math.inf, -math.inf) or x <= 0:
        raise ValueError("%s: expected a finite number > 0" % name)
    return x


def integer(name, x, least):
    if isinstance(x, bool) or not isinstance(x, int):
        raise TypeError("%s: expected an int" % name)
    if x < least:
        raise ValueError("%s: expected >= %d" % (name, least))
    return x


class WriteThroughCache:
    def __init__(self, store):
        self.store = store
        self.entries = {}

    def get(self, key):
        validate_key(key)
        if key in self.entries:
            return self.entries[key]
        v = self.store.read(key)
        self.entries[key] = v
        return v

    def put(self, key, value):
        validate_key(key)
        try:
            self.store.write(key, value)
            self.entries[key] = value
        except Exception:
            if key in self.entries:
                del self.entries[key]
            raise


class WriteAroundCache(WriteThroughCache):
    def put(self, key, value):
        validate_key(key)
        self.store.write(key, value)  # around the cache


class FlushError(Exception):
    def __init__(self, unwritten, cause):
        self.unwritten = dict(unwritten)
        self.keys = list(self.unwritten)
        Exception.__init__(self, "unwritten keys %s; cause: %r" % (self.keys[:10], cause))


class WriteBehindCache:
    def __init__(self, store, *, max_batch=100, flush_interval=1.0, retry_base=0.1,
                 retry_max=10.0, close_retries=3, clock=time.monotonic, sleep=time.sleep):
        self.max_batch = integer("max_batch", max_batch, 1)
        self.flush_interval = positive("flush_interval", flush_interval)
        self.retry_base = positive("retry_base", retry_base)
        positive("retry_max", retry_max)
        if retry_max < retry_base:
            raise ValueError("retry_max: below retry_base")
        self.close_retries = integer("close_retries", close_retries, 0)
        for name, f in (("clock", clock), ("sleep", sleep)):
            if not callable(f):
                raise TypeError("%s: not callable" % name)
        self.store, self.clock, self.sleep = store, clock, sleep
        self.entries = {}
        self.queue = {}       # key -> first write time
        self.sending = {}
        self.attempts = 0
        self.not_before = 0.0
        self.closed = False
        self.lock = threading.Lock()
        self.one_flush = threading.Lock()

    def get(self, key):
        validate_key(key)
        with self.lock:
            if key in self.entries:
                return self.entries[key]
        v = self.store.read(key)
        with self.lock:
            return self.entries.setdefault(key, v)

    def put(self, key, value):
        validate_key(key)
        with self.lock:
            if self.closed:
                raise RuntimeError("closed")
            self.entries[key] = value
            self.queue.setdefault(key, self.clock())
            go = len(self.queue) >= self.max_batch and not (
                self.attempts and self.clock() < self.not_before)
        if go:
            self.flush_due()

    def pending(self):
        with self.lock:
            return len(self.queue.keys() | self.sending.keys())

    def _send_all(self):
        total = 0
        while True:
            with self.lock:
                keys = list(self.queue)[:self.max_batch]
                if not keys:
                    self.attempts = 0
                    return total, None
                since = {k: self.queue.pop(k) for k in keys}
                self.sending.update(since)
                items = {k: self.entries[k] for k in keys}
            try:
                self.store.write_many(items)
            except Exception as err:
                with self.lock:
                    for k in keys:
                        self.sending.pop(k)
                    self.queue = {**since, **{k: t for k, t in self.queue.items() if k not in since}}
                    self.attempts += 1
                    self.not_before = self.clock() + self.retry_base * 2 ** (self.attempts - 1)
                return total, err
            with self.lock:
                for k in keys:
                    self.sending.pop(k)
            total += len(keys)

    def flush_due(self):
        with self.one_flush:
            with self.lock:
                now = self.clock()
                if not self.queue:
                    return 0
                if self.attempts:
                    if now < self.not_before:
                        return 0
                elif len(self.queue) < self.max_batch and now - min(self.queue.values()) < self.flush_interval:
                    return 0
            return self._send_all()[0]

    def flush(self):
        with self.one_flush:
            n, err = self._send_all()
        if err is not None:
            raise err
        return n

    def close(self):
        with self.lock:
            self.closed = True
        with self.one_flush:
            n, err = self._send_all()
            i = 0
            while err is not None and i < self.close_retries:
                i += 1
                self.sleep(self.retry_base * 2 ** (i - 1))
                n, err = self._send_all()
            if err is not None:
                with self.lock:
                    left = {k: self.entries[k] for k in self.queue}
                raise FlushError(left, err)

    def __enter__(self):
        return self

    def __exit__(self, t, v, tb):
        self.close()


class StreamWriteBehind:
    GROUP = "wb"

    def __init__(self, client, store, *, name, consumer=None, max_batch=100, claim_idle=30.0):
        if not isinstance(name, str):
            raise TypeError("name: expected str")
        if name == "":
            raise ValueError("name: empty")
        if consumer is not None:
            if not isinstance(consumer, str):
                raise TypeError("consumer: expected str")
            if consumer == "":
                raise ValueError("consumer: empty")
        self.consumer = consumer or "consumer-" + secrets.token_hex(8)
        self.max_batch = integer("max_batch", max_batch, 1)
        self.claim_idle = positive("claim_idle", claim_idle)
        self.redis, self.store = client, store
        self.stream = "wb:{%s}:stream" % name
        self.flushed = "wb:{%s}:flushed" % name
        try:
            self.redis.xgroup_create(self.stream, self.GROUP, "0", mkstream=True)
        except Exception as err:
            if "BUSYGROUP" not in str(err):
                raise

    def put(self, key, value):
        validate_key(key)
        try:
            body = json.dumps(value, allow_nan=False)
        except (TypeError, ValueError) as err:
            raise ValueError("value: not JSON (%s)" % err)
        self.redis.xadd(self.stream, {"k": key, "v": body})

    def _text(self, x):
        return x.decode() if isinstance(x, bytes) else x

    def _num(self, entry_id):
        ms, seq = entry_id.split("-")
        return (int(ms), int(seq))

    def flush(self):
        idle = max(1, round(self.claim_idle * 1000))
        batch = self.redis.xautoclaim(self.stream, self.GROUP, self.consumer, idle, "0-0",
                                      count=self.max_batch)[1]
        if not batch:
            got = self.redis.xreadgroup(self.GROUP, self.consumer, {self.stream: "0"},
                                        count=self.max_batch)
            batch = got[0][1] if got else []
        if not batch:
            got = self.redis.xreadgroup(self.GROUP, self.consumer, {self.stream: ">"},
                                        count=self.max_batch)
            batch = got[0][1] if got else []
        batch = [(self._text(i), f) for i, f in batch if f]
        if not batch:
            return 0
        ids = [i for i, _ in batch]
        self.redis.xack(self.stream, self.GROUP, *ids)   # we have them now
        newest = {}
        for entry_id, fields in sorted(batch, key=lambda e: self._num(e[0])):
            f = {self._text(k): self._text(v) for k, v in fields.items()}
            newest[f["k"]] = (entry_id, json.loads(f["v"]))
        marks = self.redis.hmget(self.flushed, list(newest))
        out = {}
        for (k, (entry_id, v)), mark in zip(newest.items(), marks):
            if mark is None or self._num(entry_id) > self._num(self._text(mark)):
                out[k] = (entry_id, v)
        if out:
            self.store.write_many({k: v for k, (_, v) in out.items()})
            for k, (entry_id, _) in out.items():
                self.redis.hset(self.flushed, k, entry_id)
        self.redis.xdel(self.stream, *ids)
        if self.redis.xlen(self.stream) == 0:
            self.redis.delete(self.flushed)
        return len(ids)

    def pending(self):
        return self.redis.xlen(self.stream)


# The first failure a learner sees, checked by make verify:
KILLED_BY = "TestPart1WriteAround::test_put_writes_the_store_and_the_next_get_reads_it"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"returned 'old'"
LOOKS_LIKE = ("around_keeps_stale_value",)
