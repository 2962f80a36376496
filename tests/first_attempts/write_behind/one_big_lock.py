"""A careful-looking attempt that keeps thread-safety simple: one lock around everything.

Its mistakes, in the order a learner meets them:

1. ``WriteBehindCache`` holds its one ``RLock`` for the whole of every method, store calls
   included: while a flush waits for a slow store, every ``put`` and ``get`` waits too,
   which is exactly what write-behind was meant to avoid.
2. ``StreamWriteBehind.put`` caps the stream with ``MAXLEN ~ 100000`` "so it cannot grow
   for ever": trimming drops the oldest entries, written or not.
3. ``StreamWriteBehind`` claims with a min-idle-time of 0 ("take whatever is pending"),
   stealing the entries a live flusher is still writing.
"""

import json
import math
import secrets
import threading
import time
from collections import OrderedDict
from typing import Any, Protocol


class Store(Protocol):
    def read(self, key: str) -> Any: ...
    def write(self, key: str, value: Any) -> None: ...
    def write_many(self, items) -> None: ...


def check_key(key):
    if type(key) is not str:
        raise TypeError(f"key must be str, not {type(key).__name__}")
    if not key:
        raise ValueError("empty key")


def check_seconds(name, value):
    if type(value) not in (int, float):
        raise TypeError(f"{name} must be a number")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be finite and positive")
    return float(value)


def check_int(name, value, lowest):
    if type(value) is not int:
        raise TypeError(f"{name} must be an int")
    if value < lowest:
        raise ValueError(f"{name} must be >= {lowest}")
    return value


class _ReadThrough:
    def __init__(self, store):
        self.store = store
        self.cache = {}

    def get(self, key):
        check_key(key)
        try:
            return self.cache[key]
        except KeyError:
            pass
        value = self.store.read(key)
        self.cache[key] = value
        return value


class WriteThroughCache(_ReadThrough):
    def put(self, key, value):
        check_key(key)
        try:
            self.store.write(key, value)
        except Exception:
            self.cache.pop(key, None)
            raise
        self.cache[key] = value


class WriteAroundCache(_ReadThrough):
    def put(self, key, value):
        check_key(key)
        try:
            self.store.write(key, value)
        finally:
            self.cache.pop(key, None)


class FlushError(Exception):
    def __init__(self, unwritten, cause):
        self.unwritten = dict(unwritten)
        self.keys = list(unwritten)
        names = ", ".join(repr(k) for k in self.keys[:10])
        super().__init__(f"{len(self.keys)} writes not flushed ({names}): {cause!r}")


class WriteBehindCache:
    def __init__(self, store, *, max_batch=100, flush_interval=1.0, retry_base=0.1,
                 retry_max=10.0, close_retries=3, clock=time.monotonic, sleep=time.sleep):
        self.max_batch = check_int("max_batch", max_batch, 1)
        self.flush_interval = check_seconds("flush_interval", flush_interval)
        self.retry_base = check_seconds("retry_base", retry_base)
        self.retry_max = check_seconds("retry_max", retry_max)
        if self.retry_max < self.retry_base:
            raise ValueError("retry_max < retry_base")
        self.close_retries = check_int("close_retries", close_retries, 0)
        if not callable(clock) or not callable(sleep):
            raise TypeError("clock and sleep must be callable" if callable(clock) else
                            "clock must be callable")
        self.store, self.clock, self.sleep = store, clock, sleep
        self.lock = threading.RLock()
        self.cache = {}
        self.buffer = OrderedDict()  # key -> first write time
        self.failed = 0
        self.blocked_until = None
        self.closed = False

    def get(self, key):
        check_key(key)
        with self.lock:
            if key not in self.cache:
                self.cache[key] = self.store.read(key)
            return self.cache[key]

    def put(self, key, value):
        check_key(key)
        with self.lock:
            if self.closed:
                raise RuntimeError("put on a closed cache")
            self.cache[key] = value
            if key not in self.buffer:
                self.buffer[key] = self.clock()
            if len(self.buffer) >= self.max_batch and not self._backing_off():
                self._flush()

    def pending(self):
        with self.lock:
            return len(self.buffer)

    def _backing_off(self):
        return self.blocked_until is not None and self.clock() < self.blocked_until

    def _flush(self):
        with self.lock:
            written = 0
            while self.buffer:
                keys = list(self.buffer)[:self.max_batch]
                try:
                    self.store.write_many({k: self.cache[k] for k in keys})
                except Exception as exc:
                    self.failed += 1
                    pause = min(self.retry_base * 2 ** (self.failed - 1), self.retry_max)
                    self.blocked_until = self.clock() + pause
                    return written, exc
                for k in keys:
                    del self.buffer[k]
                written += len(keys)
            self.failed = 0
            self.blocked_until = None
            return written, None

    def flush_due(self):
        with self.lock:
            if not self.buffer:
                return 0
            now = self.clock()
            if self.failed:
                if now < self.blocked_until:
                    return 0
            elif (len(self.buffer) < self.max_batch
                  and now - next(iter(self.buffer.values())) < self.flush_interval):
                return 0
            return self._flush()[0]

    def flush(self):
        with self.lock:
            written, exc = self._flush()
            if exc is not None:
                raise exc
            return written

    def close(self):
        with self.lock:
            self.closed = True
            written, exc = self._flush()
            for attempt in range(1, self.close_retries + 1):
                if exc is None:
                    break
                self.sleep(min(self.retry_base * 2 ** (attempt - 1), self.retry_max))
                written, exc = self._flush()
            if exc is not None:
                raise FlushError({k: self.cache[k] for k in self.buffer}, exc)

    def __enter__(self):
        return self

    def __exit__(self, *args):
        self.close()


CLAIM_AND_ACK = """
for i = 2, #ARGV, 2 do
    local old = redis.call('HGET', KEYS[2], ARGV[i])
    local new = ARGV[i + 1]
    if not old then
        redis.call('HSET', KEYS[2], ARGV[i], new)
    else
        local om, os = string.match(old, '(%d+)-(%d+)')
        local nm, ns = string.match(new, '(%d+)-(%d+)')
        if tonumber(nm) > tonumber(om) or (tonumber(nm) == tonumber(om) and tonumber(ns) > tonumber(os)) then
            redis.call('HSET', KEYS[2], ARGV[i], new)
        end
    end
end
return 1
"""


class StreamWriteBehind:
    def __init__(self, client, store, *, name, consumer=None, max_batch=100, claim_idle=30.0):
        if type(name) is not str:
            raise TypeError("name must be str")
        if not name:
            raise ValueError("name is empty")
        if consumer is None:
            consumer = "c-" + secrets.token_hex(6)
        if type(consumer) is not str:
            raise TypeError("consumer must be str")
        if not consumer:
            raise ValueError("consumer is empty")
        self.max_batch = check_int("max_batch", max_batch, 1)
        self.claim_idle = check_seconds("claim_idle", claim_idle)
        self.client, self.store, self.consumer = client, store, consumer
        self.stream = f"wb:{{{name}}}:stream"
        self.flushed = f"wb:{{{name}}}:flushed"
        self.record = client.register_script(CLAIM_AND_ACK)
        try:
            client.xgroup_create(self.stream, "wb", "0", mkstream=True)
        except Exception as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    def put(self, key, value):
        check_key(key)
        try:
            data = json.dumps(value, allow_nan=False)
        except (TypeError, ValueError):
            raise TypeError(f"value {value!r} is not JSON-serialisable") from None
        self.client.xadd(self.stream, {"k": key, "v": data}, maxlen=100000, approximate=True)

    def _entries(self):
        _, claimed, *_ = self.client.xautoclaim(self.stream, "wb", self.consumer, 0, "0-0",
                                                count=self.max_batch)
        if claimed:
            return claimed
        mine = self.client.xreadgroup("wb", self.consumer, {self.stream: "0"}, count=self.max_batch)
        if mine and mine[0][1]:
            return mine[0][1]
        new = self.client.xreadgroup("wb", self.consumer, {self.stream: ">"}, count=self.max_batch)
        return new[0][1] if new else []

    def flush(self):
        def s(x):
            return x.decode() if isinstance(x, bytes) else x

        def order(i):
            return tuple(int(p) for p in i.split("-"))

        entries = [(s(i), {s(k): s(v) for k, v in f.items()}) for i, f in self._entries() if f]
        if not entries:
            return 0
        entries.sort(key=lambda e: order(e[0]))
        last = {}
        for entry_id, fields in entries:
            last[fields["k"]] = (entry_id, json.loads(fields["v"]))
        done = self.client.hmget(self.flushed, list(last))
        todo = {k: v for (k, v), d in zip(last.items(), done) if d is None or order(v[0]) > order(s(d))}
        if todo:
            self.store.write_many({k: v for k, (_, v) in todo.items()})
            args = ["x"]
            for k, (entry_id, _) in todo.items():
                args += [k, entry_id]
            self.record(keys=[self.stream, self.flushed], args=args)
        ids = [i for i, _ in entries]
        self.client.xack(self.stream, "wb", *ids)
        self.client.xdel(self.stream, *ids)
        if self.client.xlen(self.stream) == 0:
            self.client.delete(self.flushed)
        return len(ids)

    def pending(self):
        return self.client.xlen(self.stream)


# The first failure a learner sees, checked by make verify:
KILLED_BY = "TestPart2Threads::test_put_and_get_do_not_wait_for_a_stalled_flush"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"did not return within"
LOOKS_LIKE = ("store_called_under_the_lock",)
