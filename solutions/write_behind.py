"""Write-through, write-around and write-behind caches in front of a slow store, and the
write-behind buffer in a Redis stream.

The reference for ``katas/write_behind.py`` (the stub holds the full specification).

* ``WriteThroughCache`` writes the store, then the cache; ``WriteAroundCache`` writes the
  store and drops the cached value. A failed store write drops the key in both: only the
  store knows whether the write landed.
* ``WriteBehindCache`` acknowledges a write at once, keeps it in a buffer of *pending* keys
  (latest value per key, in the order of the first unflushed write) and writes the store
  in batches: when ``max_batch`` keys wait, when the oldest is ``flush_interval`` old (on
  ``flush_due()``), on ``flush()`` and on ``close()``. A failed batch goes back to the front
  of the buffer and the next attempt waits out an exponential backoff.
* ``StreamWriteBehind`` keeps the buffer in a Redis stream read through a consumer group,
  so that a write outlives the process that took it and a crashed flusher's entries are
  claimed by another.

Extension points
================

Each step a broken variant (or a subclass of yours) may override is a public method with a
one-line contract; the rest is mechanics.

``WriteThroughCache`` / ``WriteAroundCache``: ``get`` and ``put`` (the policy itself) and
``load(key)``, the read-through of a miss. Public attributes: ``store``, and ``cached``, the
dict of cached values.

``WriteBehindCache``: ``mark_pending(key, now)`` (under ``lock``: make a written key
pending), ``remember_loaded(key, value)`` (under ``lock``: cache a value read from the
store unless a write got there first), ``is_due(now)`` (under ``lock``: should
``flush_due`` flush), ``retry_delay(n)`` (the pause after the n-th consecutive failure),
and the flush itself, run under ``flush_lock``: ``take_batch()`` (under ``lock``: the next
batch, now in flight), ``write_batch(batch)`` (the store call), then ``batch_done(batch)``
or ``batch_failed(batch, now)`` (under ``lock``). ``lock`` guards the cache and the buffer
and is never held during a store call; ``flush_lock`` lets one flush run at a time.
Public attributes, guarded by ``lock``: ``values`` (the cache: the latest value of every
key), ``waiting`` (pending keys not in a batch being written: key -> the time of its first
unflushed write, oldest first), ``in_flight`` (the same for the batch being written),
``failures`` (consecutive failed flushes) and ``retry_at`` (no write before this while
``failures`` > 0); and the options, ``store``, ``clock``, ``sleep``, ``max_batch``,
``flush_interval``, ``retry_base``, ``retry_max``, ``close_retries``.

``StreamWriteBehind``: ``encode(value)`` and ``decode(text)`` (JSON), ``append(key, text)``
(the one ``XADD``), ``read_batch()`` (claim, else own pending, else new), ``latest_per_key
(entries)`` (coalescing), ``still_newest(entries)`` (drop entries older than what the
store was last given), and ``acknowledge(entries, written)`` (the ``ACK_SCRIPT``: record
the written ids, ``XACK`` and ``XDEL``, drop the ``flushed`` hash once the stream is
empty). Public attributes: ``client``, ``store``, ``name``, ``consumer``, ``max_batch``,
``claim_idle``, ``stream``, ``flushed``, ``GROUP``.
"""

from __future__ import annotations

import json
import math
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, ClassVar, NamedTuple, Protocol, Self

import redis
from redis.commands.core import Script

__all__ = [
    "Batch",
    "Entry",
    "FlushError",
    "Store",
    "StreamWriteBehind",
    "WriteAroundCache",
    "WriteBehindCache",
    "WriteThroughCache",
]


class Store(Protocol):
    """The slow store: ``read`` (KeyError when absent), ``write``, ``write_many``."""

    def read(self, key: str) -> Any: ...

    def write(self, key: str, value: Any) -> None: ...

    def write_many(self, items: Mapping[str, Any]) -> None: ...


# --- argument checks ------------------------------------------------------------------------


def check_key(key: object) -> str:
    if not isinstance(key, str):
        raise TypeError(f"key must be a str, got {type(key).__name__}")
    if not key:
        raise ValueError("key must not be empty")
    return key


def check_positive_int(value: object, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return value


def check_seconds(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number of seconds, got {type(value).__name__}")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return float(value)


def check_callable(value: object, name: str) -> None:
    if not callable(value):
        raise TypeError(f"{name} must be callable, got {type(value).__name__}")


# --- Part 1 -------------------------------------------------------------------------------


class WriteThroughCache:
    """Writes go to the store, then to the cache; a failed write drops the key."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.cached: dict[str, Any] = {}

    def get(self, key: str) -> Any:
        check_key(key)
        if key in self.cached:  # `in`, not truthiness: None and 0 are values
            return self.cached[key]
        return self.load(key)

    def load(self, key: str) -> Any:
        """Read a miss from the store and cache it; a failed read caches nothing."""
        value = self.store.read(key)
        self.cached[key] = value
        return value

    def put(self, key: str, value: Any) -> None:
        check_key(key)
        try:
            self.store.write(key, value)
        except BaseException:
            # The write may or may not have landed: neither the old value nor the new one
            # is known to be the store's. Only the store can answer the next read.
            self.cached.pop(key, None)
            raise
        self.cached[key] = value


class WriteAroundCache(WriteThroughCache):
    """Writes go to the store only; the cached value is dropped either way."""

    def put(self, key: str, value: Any) -> None:
        check_key(key)
        try:
            self.store.write(key, value)
        finally:
            self.cached.pop(key, None)


# --- Part 2 -------------------------------------------------------------------------------


class FlushError(Exception):
    """``close()`` gave up; ``unwritten`` holds every key the store may lack, with its value."""

    SHOWN = 10

    def __init__(self, unwritten: Mapping[str, Any], cause: BaseException) -> None:
        self.unwritten = dict(unwritten)
        self.keys = list(self.unwritten)
        shown = ", ".join(map(repr, self.keys[: self.SHOWN]))
        more = len(self.keys) - self.SHOWN
        if more > 0:
            shown += f" and {more} more"
        super().__init__(f"the store did not accept {len(self.keys)} pending key(s): "
                         f"{shown}; last error: {cause!r}")


@dataclass
class Batch:
    """Keys taken for one ``write_many``: their values, and when each first became pending."""

    values: dict[str, Any] = field(default_factory=dict)
    since: dict[str, float] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.values)


class WriteBehindCache:
    """Writes are acknowledged at once, buffered per key and written in batches later."""

    def __init__(
        self,
        store: Store,
        *,
        max_batch: int = 100,
        flush_interval: float = 1.0,
        retry_base: float = 0.1,
        retry_max: float = 10.0,
        close_retries: int = 3,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.max_batch = check_positive_int(max_batch, "max_batch", 1)
        self.flush_interval = check_seconds(flush_interval, "flush_interval")
        self.retry_base = check_seconds(retry_base, "retry_base")
        self.retry_max = check_seconds(retry_max, "retry_max")
        if self.retry_max < self.retry_base:
            raise ValueError(f"retry_max ({retry_max!r}) must be >= retry_base ({retry_base!r})")
        self.close_retries = check_positive_int(close_retries, "close_retries", 0)
        check_callable(clock, "clock")
        check_callable(sleep, "sleep")
        self.store, self.clock, self.sleep = store, clock, sleep
        self.lock = threading.Lock()  # the cache and the buffer; never held for the store
        self.flush_lock = threading.Lock()  # one flush at a time: batches stay in order
        self.values: dict[str, Any] = {}
        self.waiting: dict[str, float] = {}  # key -> first unflushed write, oldest first
        self.in_flight: dict[str, float] = {}  # keys of the batch being written
        self.failures = 0  # consecutive failed flushes
        self.retry_at = 0.0  # no write is attempted before this while failures > 0
        self._closed = False

    # -- reads and writes

    def get(self, key: str) -> Any:
        check_key(key)
        with self.lock:
            if key in self.values:
                return self.values[key]
        value = self.store.read(key)  # outside the lock: a slow read holds up nobody
        with self.lock:
            return self.remember_loaded(key, value)

    def remember_loaded(self, key: str, value: Any) -> Any:
        """Cache ``value`` read from the store unless a put of ``key`` came first; return
        what the cache now holds. Caller holds ``lock``."""
        return self.values.setdefault(key, value)

    def put(self, key: str, value: Any) -> None:
        check_key(key)
        with self.lock:
            if self._closed:
                raise RuntimeError(f"put({key!r}): the cache is closed")
            self.values[key] = value
            self.mark_pending(key, self.clock())
            full = len(self.waiting) >= self.max_batch and not self._waiting_for_retry()
        if full:
            self.flush_due()  # a full buffer pushes back on the writer

    def mark_pending(self, key: str, now: float) -> None:
        """Make ``key`` pending; a pending key keeps its place and time. Caller holds ``lock``."""
        self.waiting.setdefault(key, now)

    def pending(self) -> int:
        with self.lock:
            return len(self.waiting.keys() | self.in_flight.keys())

    # -- flushing

    def flush_due(self) -> int:
        with self.flush_lock:
            with self.lock:
                due = self.is_due(self.clock())
            return self._flush()[0] if due else 0

    def flush(self) -> int:
        with self.flush_lock:
            written, error = self._flush()
        if error is not None:
            raise error
        return written

    def is_due(self, now: float) -> bool:
        """Whether ``flush_due`` should flush now. Caller holds ``lock``."""
        if not self.waiting:
            return False
        if self.failures:
            return now >= self.retry_at
        oldest = next(iter(self.waiting.values()))
        return len(self.waiting) >= self.max_batch or now - oldest >= self.flush_interval

    def retry_delay(self, failures: int) -> float:
        """Seconds to wait after the ``failures``-th consecutive failure (1, 2, ...)."""
        return min(self.retry_base * 2.0 ** min(failures - 1, 1023), self.retry_max)

    def _waiting_for_retry(self) -> bool:
        return self.failures > 0 and self.clock() < self.retry_at

    def _flush(self) -> tuple[int, Exception | None]:
        """Write every waiting key, batch by batch, until one fails. Caller holds
        ``flush_lock``. The keys written, and the store's error if a batch failed."""
        written = 0
        while True:
            with self.lock:
                batch = self.take_batch()
            if not batch:
                break
            try:
                self.write_batch(batch)
            except Exception as error:
                with self.lock:
                    self.batch_failed(batch, self.clock())
                return written, error
            with self.lock:
                self.batch_done(batch)
            written += len(batch)
        with self.lock:
            self.failures = 0
        return written, None

    def take_batch(self) -> Batch:
        """The oldest ``max_batch`` waiting keys with their latest values, now in flight.
        Caller holds ``lock``."""
        batch = Batch()
        for key in list(self.waiting)[: self.max_batch]:
            batch.since[key] = self.in_flight[key] = self.waiting.pop(key)
            batch.values[key] = self.values[key]
        return batch

    def write_batch(self, batch: Batch) -> None:
        """One ``store.write_many`` of the batch. Called without ``lock``."""
        self.store.write_many(batch.values)

    def batch_done(self, batch: Batch) -> None:
        """The store has the batch. A key written again meanwhile is still waiting with
        its newer value. Caller holds ``lock``."""
        for key in batch.values:
            del self.in_flight[key]

    def batch_failed(self, batch: Batch, now: float) -> None:
        """Put the batch back in front of the waiting keys, with its times, and start the
        backoff. Caller holds ``lock``."""
        for key in batch.values:
            del self.in_flight[key]
        # A key written again during the flight takes back its first, earlier time.
        self.waiting = batch.since | {k: t for k, t in self.waiting.items()
                                       if k not in batch.since}
        self.failures += 1
        self.retry_at = now + self.retry_delay(self.failures)

    # -- shutting down

    def close(self) -> None:
        with self.lock:
            self._closed = True
        with self.flush_lock:
            error = self._flush()[1]
            for attempt in range(1, self.close_retries + 1):
                if error is None:
                    return
                self.sleep(self.retry_delay(attempt))
                error = self._flush()[1]
            if error is None:
                return
            with self.lock:
                unwritten = {key: self.values[key] for key in self.waiting}
        raise FlushError(unwritten, error) from error

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


# --- Part 3 -------------------------------------------------------------------------------


class Entry(NamedTuple):
    """One stream entry: its id (``<ms>-<seq>``), the key and the value (decoded)."""

    id: str
    key: str
    value: Any

    @property
    def order(self) -> tuple[int, int]:
        return stream_id_order(self.id)


def stream_id_order(entry_id: str) -> tuple[int, int]:
    """A stream id as a comparable pair: ``"10-0"`` sorts after ``"9-5"`` (as strings it
    would not)."""
    ms, _, seq = entry_id.partition("-")
    return int(ms), int(seq)


def text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


# KEYS[1]: the stream, KEYS[2]: the flushed hash. ARGV[1]: the group, ARGV[2]: n, then n
# (key, id) pairs written to the store, then the ids of every entry to acknowledge.
# Records each written id unless a newer one is there, acknowledges and deletes the
# entries, and drops the hash once the stream is empty (nothing older can come back).
ACK_AND_DELETE = """
local function newer(a, b)
    local am, as = string.match(a, '(%d+)-(%d+)')
    local bm, bs = string.match(b, '(%d+)-(%d+)')
    am, as, bm, bs = tonumber(am), tonumber(as), tonumber(bm), tonumber(bs)
    return am > bm or (am == bm and as > bs)
end
local n = tonumber(ARGV[2])
for i = 0, n - 1 do
    local key, id = ARGV[3 + 2 * i], ARGV[4 + 2 * i]
    local old = redis.call('HGET', KEYS[2], key)
    if not old or newer(id, old) then
        redis.call('HSET', KEYS[2], key, id)
    end
end
local first = 3 + 2 * n
local ids = {}
for i = first, #ARGV do
    ids[#ids + 1] = ARGV[i]
    if #ids == 500 or i == #ARGV then
        redis.call('XACK', KEYS[1], ARGV[1], unpack(ids))
        redis.call('XDEL', KEYS[1], unpack(ids))
        ids = {}
    end
end
if redis.call('XLEN', KEYS[1]) == 0 then
    redis.call('DEL', KEYS[2])
end
return #ARGV - first + 1
"""


class StreamWriteBehind:
    """A write-behind buffer in a Redis stream, flushed through a consumer group."""

    GROUP: ClassVar[str] = "wb"
    ACK_SCRIPT: ClassVar[str] = ACK_AND_DELETE

    def __init__(
        self,
        client: redis.Redis,
        store: Store,
        *,
        name: str,
        consumer: str | None = None,
        max_batch: int = 100,
        claim_idle: float = 30.0,
    ) -> None:
        if not isinstance(name, str):
            raise TypeError(f"name must be a str, got {type(name).__name__}")
        if not name:
            raise ValueError("name must not be empty")
        if consumer is None:
            consumer = f"flusher-{secrets.token_hex(8)}"
        elif not isinstance(consumer, str):
            raise TypeError(f"consumer must be a str or None, got {type(consumer).__name__}")
        elif not consumer:
            raise ValueError("consumer must not be empty")
        self.max_batch = check_positive_int(max_batch, "max_batch", 1)
        self.claim_idle = check_seconds(claim_idle, "claim_idle")
        self.client, self.store, self.name, self.consumer = client, store, name, consumer
        self.stream = f"wb:{{{name}}}:stream"
        self.flushed = f"wb:{{{name}}}:flushed"
        self._ack: Script = client.register_script(self.ACK_SCRIPT)
        try:
            client.xgroup_create(self.stream, self.GROUP, id="0", mkstream=True)
        except redis.ResponseError as error:
            if "BUSYGROUP" not in str(error):
                raise

    # -- writing

    def put(self, key: str, value: Any) -> None:
        check_key(key)
        self.append(key, self.encode(value))

    def encode(self, value: Any) -> str:
        """The value as JSON text; TypeError or ValueError naming ``value`` if it is not."""
        try:
            return json.dumps(value, allow_nan=False, separators=(",", ":"))
        except (TypeError, ValueError) as error:
            raise type(error)(f"value {value!r} cannot be written as JSON: {error}") from None

    def decode(self, raw: str) -> Any:
        return json.loads(raw)

    def append(self, key: str, encoded: str) -> None:
        """One ``XADD``, with no MAXLEN: length trimming would drop unwritten entries."""
        self.client.xadd(self.stream, {"k": key, "v": encoded})

    # -- flushing

    def flush(self) -> int:
        entries = self.read_batch()
        if not entries:
            return 0
        latest = self.still_newest(self.latest_per_key(entries))
        if latest:
            self.store.write_many({e.key: e.value for e in latest})
        return self.acknowledge(entries, latest)

    def read_batch(self) -> list[Entry]:
        """Entries idle too long in another consumer's hands, else our own unacknowledged
        ones, else new ones: at most ``max_batch``, oldest first."""
        claimed = self.client.xautoclaim(
            self.stream, self.GROUP, self.consumer, self.idle_ms(), "0-0",
            count=self.max_batch)
        entries = self.parse(claimed[1])
        if entries:
            return entries
        for start in ("0", ">"):
            reply: Any = self.client.xreadgroup(self.GROUP, self.consumer,
                                                {self.stream: start}, count=self.max_batch)
            entries = self.parse(reply[0][1] if reply else [])
            if entries:
                return entries
        return []

    def idle_ms(self) -> int:
        return max(1, round(self.claim_idle * 1000))

    def parse(self, raw: list[Any]) -> list[Entry]:
        entries = []
        for entry_id, fields in raw:
            if fields is None:  # deleted while pending: nothing left to write
                continue
            values = {text(k): text(v) for k, v in fields.items()}
            entries.append(Entry(text(entry_id), values["k"], self.decode(values["v"])))
        return sorted(entries, key=lambda e: e.order)

    def latest_per_key(self, entries: list[Entry]) -> list[Entry]:
        """The last entry of each key (entries are oldest first)."""
        return list({e.key: e for e in entries}.values())

    def still_newest(self, entries: list[Entry]) -> list[Entry]:
        """Drop entries older than the last one written to the store for their key."""
        if not entries:
            return []
        flushed = self.client.hmget(self.flushed, [e.key for e in entries])
        return [e for e, done in zip(entries, flushed, strict=True)
                if done is None or e.order > stream_id_order(text(done))]

    def acknowledge(self, entries: list[Entry], written: list[Entry]) -> int:
        """Record what was written, then XACK and XDEL every entry; one script call."""
        pairs = [part for e in written for part in (e.key, e.id)]
        args: list[str | int] = [self.GROUP, len(written), *pairs, *(e.id for e in entries)]
        return int(self._ack(keys=[self.stream, self.flushed], args=args))

    def pending(self) -> int:
        return int(self.client.xlen(self.stream))
