"""A first attempt in one sitting, from the stub.

Its mistakes, in the order a learner meets them:

1. ``WriteThroughCache.put`` puts the value in the dict first ("so reads see it at once")
   and then writes the store; when the store raises, the dict keeps a value the store
   never accepted.
2. ``WriteBehindCache.put`` "touches" a key that is written again: it moves it to the end
   of the buffer with a new timestamp, so a key written more often than flush_interval is
   never due.
3. ``StreamWriteBehind`` acknowledges flushed entries with XACK but never deletes them:
   the stream, which has no TTL, grows for ever.
"""

import json
import math
import secrets
import threading
import time
from typing import Any, Protocol


class Store(Protocol):
    def read(self, key): ...
    def write(self, key, value): ...
    def write_many(self, items): ...


def _key(key):
    if not isinstance(key, str):
        raise TypeError("key must be a string")
    if key == "":
        raise ValueError("key must not be empty")


def _number(name, value, allow_zero=False):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number")
    if math.isnan(value) or math.isinf(value) or value < 0 or (value == 0 and not allow_zero):
        raise ValueError(f"{name} is out of range: {value}")
    return value


def _count(name, value, smallest):
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int")
    if value < smallest:
        raise ValueError(f"{name} must be at least {smallest}")
    return value


class WriteThroughCache:
    def __init__(self, store):
        self.store = store
        self.data = {}

    def get(self, key):
        _key(key)
        if key not in self.data:
            self.data[key] = self.store.read(key)
        return self.data[key]

    def put(self, key, value):
        _key(key)
        self.data[key] = value
        self.store.write(key, value)


class WriteAroundCache:
    def __init__(self, store):
        self.store = store
        self.data = {}

    def get(self, key):
        _key(key)
        if key not in self.data:
            self.data[key] = self.store.read(key)
        return self.data[key]

    def put(self, key, value):
        _key(key)
        self.data.pop(key, None)
        try:
            self.store.write(key, value)
        finally:
            self.data.pop(key, None)


class FlushError(Exception):
    def __init__(self, unwritten, cause):
        self.unwritten = dict(unwritten)
        self.keys = list(self.unwritten)
        super().__init__(f"could not write {self.keys[:10]} ({len(self.keys)} keys): {cause}")


class WriteBehindCache:
    def __init__(self, store, *, max_batch=100, flush_interval=1.0, retry_base=0.1,
                 retry_max=10.0, close_retries=3, clock=time.monotonic, sleep=time.sleep):
        self.max_batch = _count("max_batch", max_batch, 1)
        self.flush_interval = _number("flush_interval", flush_interval)
        self.retry_base = _number("retry_base", retry_base)
        self.retry_max = _number("retry_max", retry_max)
        if retry_max < retry_base:
            raise ValueError("retry_max must not be below retry_base")
        self.close_retries = _count("close_retries", close_retries, 0)
        if not callable(clock):
            raise TypeError("clock must be callable")
        if not callable(sleep):
            raise TypeError("sleep must be callable")
        self.store = store
        self.clock = clock
        self.sleep = sleep
        self.data = {}
        self.dirty = {}  # key -> time it became dirty
        self.flying = {}
        self.errors = 0
        self.next_try = 0.0
        self.closed = False
        self.mutex = threading.Lock()
        self.flushing = threading.Lock()

    def get(self, key):
        _key(key)
        with self.mutex:
            if key in self.data:
                return self.data[key]
        value = self.store.read(key)
        with self.mutex:
            if key not in self.data:
                self.data[key] = value
            return self.data[key]

    def put(self, key, value):
        _key(key)
        with self.mutex:
            if self.closed:
                raise RuntimeError("cache is closed")
            self.data[key] = value
            self.dirty.pop(key, None)  # touch it: move it to the end
            self.dirty[key] = self.clock()
            full = len(self.dirty) >= self.max_batch
            if self.errors and self.clock() < self.next_try:
                full = False
        if full:
            self.flush_due()

    def pending(self):
        with self.mutex:
            return len(set(self.dirty) | set(self.flying))

    def _delay(self, n):
        return min(self.retry_max, self.retry_base * 2 ** (n - 1))

    def _write_all(self):
        done = 0
        while True:
            with self.mutex:
                keys = list(self.dirty)[:self.max_batch]
                if not keys:
                    self.errors = 0
                    return done, None
                times = {k: self.dirty.pop(k) for k in keys}
                self.flying.update(times)
                batch = {k: self.data[k] for k in keys}
            try:
                self.store.write_many(batch)
            except Exception as e:
                with self.mutex:
                    for k in keys:
                        del self.flying[k]
                    rest = self.dirty
                    self.dirty = dict(times)
                    for k, t in rest.items():
                        if k not in self.dirty:
                            self.dirty[k] = t
                    self.errors += 1
                    self.next_try = self.clock() + self._delay(self.errors)
                return done, e
            with self.mutex:
                for k in keys:
                    del self.flying[k]
            done += len(keys)

    def flush_due(self):
        with self.flushing:
            with self.mutex:
                if not self.dirty:
                    return 0
                now = self.clock()
                if self.errors:
                    due = now >= self.next_try
                else:
                    first = min(self.dirty.values())
                    due = len(self.dirty) >= self.max_batch or now - first >= self.flush_interval
            if not due:
                return 0
            return self._write_all()[0]

    def flush(self):
        with self.flushing:
            done, error = self._write_all()
        if error:
            raise error
        return done

    def close(self):
        with self.mutex:
            self.closed = True
        with self.flushing:
            done, error = self._write_all()
            tries = 0
            while error is not None and tries < self.close_retries:
                tries += 1
                self.sleep(self._delay(tries))
                done, error = self._write_all()
            if error is not None:
                with self.mutex:
                    left = {k: self.data[k] for k in self.dirty}
                raise FlushError(left, error)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class StreamWriteBehind:
    def __init__(self, client, store, *, name, consumer=None, max_batch=100, claim_idle=30.0):
        if not isinstance(name, str):
            raise TypeError("name must be a str")
        if not name:
            raise ValueError("name must not be empty")
        if consumer is not None and not isinstance(consumer, str):
            raise TypeError("consumer must be a str")
        if consumer == "":
            raise ValueError("consumer must not be empty")
        self.max_batch = _count("max_batch", max_batch, 1)
        self.claim_idle = _number("claim_idle", claim_idle)
        self.r = client
        self.store = store
        self.consumer = consumer or secrets.token_hex(8)
        self.stream = "wb:{" + name + "}:stream"
        self.done = "wb:{" + name + "}:flushed"
        try:
            self.r.xgroup_create(self.stream, "wb", id="0", mkstream=True)
        except Exception as e:
            if "BUSYGROUP" not in str(e):
                raise

    def put(self, key, value):
        _key(key)
        try:
            text = json.dumps(value, allow_nan=False)
        except (TypeError, ValueError) as e:
            raise type(e)(f"value is not JSON: {e}")
        self.r.xadd(self.stream, {"k": key, "v": text})

    @staticmethod
    def _s(x):
        return x.decode() if isinstance(x, bytes) else x

    @staticmethod
    def _id(x):
        a, b = x.split("-")
        return int(a), int(b)

    def _read(self):
        ms = max(1, int(round(self.claim_idle * 1000)))
        got = self.r.xautoclaim(self.stream, "wb", self.consumer, ms, "0-0", count=self.max_batch)
        if got[1]:
            return got[1]
        for start in ("0", ">"):
            got = self.r.xreadgroup("wb", self.consumer, {self.stream: start}, count=self.max_batch)
            if got and got[0][1]:
                return got[0][1]
        return []

    def flush(self):
        raw = [(self._s(i), f) for i, f in self._read() if f]
        if not raw:
            return 0
        latest = {}
        for entry_id, fields in sorted(raw, key=lambda e: self._id(e[0])):
            fields = {self._s(k): self._s(v) for k, v in fields.items()}
            latest[fields["k"]] = (entry_id, json.loads(fields["v"]))
        keys = list(latest)
        seen = self.r.hmget(self.done, keys)
        write = {}
        for key, last in zip(keys, seen):
            if last is None or self._id(latest[key][0]) > self._id(self._s(last)):
                write[key] = latest[key]
        if write:
            self.store.write_many({k: v for k, (i, v) in write.items()})
        pipe = self.r.pipeline()
        for key, (entry_id, _) in write.items():
            pipe.hset(self.done, key, entry_id)
        pipe.xack(self.stream, "wb", *[i for i, _ in raw])
        pipe.execute()
        if self.r.xpending(self.stream, "wb")["pending"] == 0:
            self.r.delete(self.done)
        return len(raw)

    def pending(self):
        return self.r.xlen(self.stream)


# The first failure a learner sees, checked by make verify:
KILLED_BY = "TestPart1WriteThrough::test_a_failed_write_drops_the_key"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"returned 'new' from the cache"
LOOKS_LIKE = ("through_caches_before_writing",)
