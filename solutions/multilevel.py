"""Multi-level cache: an in-process L1 in front of a shared Redis L2, kept coherent by pub/sub.

Reference solution. The design in one paragraph: L1 is an LRU map whose entries also carry
an expiry time (``l1_ttl`` on the injected clock). L2 is one Redis string per key,
``<namespace>:<key>``, always written with a TTL. Every ``set``/``delete`` writes L2 and
publishes ``{"sender": <instance id>, "key": <key>}`` on ``<namespace>:invalidations`` in one
MULTI/EXEC round trip; every read first drains the messages that have arrived on this
instance's own subscription (non-blocking) and drops the keys other instances changed.
Redis being unreachable never breaks a read (L1 still serves, an L1 miss is a miss), but
a write that did not reach L2 raises after dropping the local copy.
"""

from __future__ import annotations

import json
import logging
import math
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, ClassVar, Protocol, TypeVar

import redis

__all__ = ["JSONSerializer", "MultiLevelCache", "Serializer"]

log = logging.getLogger(__name__)

T = TypeVar("T")

# "Redis is unreachable": what reads survive and writes re-raise. Other Redis errors (a
# key of the wrong type, a script error) are bugs and always propagate.
UNAVAILABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)

# After the pub/sub connection fails, reads stop touching it for this long (real seconds),
# so that L1 hits during an outage do not each pay for a failed reconnect.
RESUBSCRIBE_BACKOFF = 0.1
# How long the constructor waits for the server to confirm the subscription.
SUBSCRIBE_TIMEOUT = 1.0

_MISSING: Any = object()
_UNDECODABLE: Any = object()


class Serializer(Protocol):
    def dumps(self, obj: Any) -> str | bytes: ...

    def loads(self, data: str | bytes) -> Any: ...


class JSONSerializer:
    """The default: compact JSON text. Dicts, lists, str, int, float, bool and None."""

    def dumps(self, obj: Any) -> str:
        return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)

    def loads(self, data: str | bytes) -> Any:
        return json.loads(data)


class _L1:
    """An LRU map whose entries expire ``ttl`` after they are stored: the in-process level.
    Not thread-safe on its own."""

    __slots__ = ("_data", "_maxsize", "_ttl")

    def __init__(self, maxsize: int, ttl: float) -> None:
        self._maxsize = maxsize
        self._ttl = ttl
        self._data: OrderedDict[str, tuple[float, Any]] = OrderedDict()

    def get(self, key: str, now: float) -> Any:
        """The live value (made most recently used), or ``_MISSING``."""
        entry = self._data.get(key)
        if entry is None:
            return _MISSING
        expires_at, value = entry
        if now >= expires_at:  # live while now < stored_at + ttl
            del self._data[key]
            return _MISSING
        self._data.move_to_end(key)
        return value

    def put(self, key: str, value: Any, now: float) -> None:
        self._data[key] = (now + self._ttl, value)
        self._data.move_to_end(key)
        if len(self._data) > self._maxsize:
            self._data.popitem(last=False)

    def discard(self, key: str) -> None:
        self._data.pop(key, None)

    def clear(self) -> None:
        self._data.clear()


class MultiLevelCache:
    """L1 (this process, LRU + ``l1_ttl``) over L2 (Redis, ``l2_ttl``), coherent over pub/sub.

    Thread-safe. See the kata stub for the full specification.
    """

    _l1_type: ClassVar[type[_L1]] = _L1

    def __init__(
        self,
        client: redis.Redis,
        *,
        namespace: str = "mlc",
        l1_maxsize: int = 1024,
        l1_ttl: float = 5.0,
        l2_ttl: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
        serializer: Serializer | None = None,
    ) -> None:
        if not isinstance(namespace, str):
            raise TypeError(f"namespace must be a str, not {type(namespace).__name__}")
        if not namespace:
            raise ValueError("namespace must not be empty")
        if isinstance(l1_maxsize, bool) or not isinstance(l1_maxsize, int):
            raise TypeError(f"l1_maxsize must be an int, not {type(l1_maxsize).__name__}")
        if l1_maxsize < 1:
            raise ValueError(f"l1_maxsize must be >= 1, got {l1_maxsize}")
        l1_ttl = _duration("l1_ttl", l1_ttl)
        # Whole milliseconds, never longer than asked (but at least 1 ms).
        self._l2_ttl_ms = max(1, int(_duration("l2_ttl", l2_ttl) * 1000))
        if not callable(clock):
            raise TypeError("clock must be a zero-argument callable returning seconds")
        if serializer is None:
            serializer = JSONSerializer()
        elif not (callable(getattr(serializer, "dumps", None))
                  and callable(getattr(serializer, "loads", None))):
            raise TypeError("serializer must have dumps(obj) and loads(data) methods")

        self._client = client
        self._prefix = f"{namespace}:"
        self._channel = f"{namespace}:invalidations"
        self._clock = clock
        self._serializer = serializer
        self._id = secrets.token_hex(8)

        self._lock = threading.Lock()  # L1, _version and the counters
        self._l1 = self._l1_type(l1_maxsize, l1_ttl)
        # Bumped whenever an L1 entry is invalidated. A reader remembers it before going to
        # L2 and promotes what it read only if nothing was invalidated meanwhile: otherwise a
        # value read just before a concurrent write could be put back after it.
        self._version = 0
        self._l1_hits = self._l2_hits = self._misses = 0

        self._pubsub_lock = threading.Lock()  # a PubSub object is not thread-safe
        self._pubsub: redis.client.PubSub = client.pubsub()  # type: ignore[no-untyped-call]
        self._retry_at = 0.0
        self._closed = False
        self._subscribe()

    # -- reads ------------------------------------------------------------------------

    def get(self, key: str, default: Any = None) -> Any:
        """The value from L1, else from L2 (promoted into L1), else ``default``."""
        _check_key(key)
        self.process_invalidations()
        value, version = self._l1_lookup(key)
        if value is not _MISSING:
            return value
        try:
            value = self._read_l2(key)
        except UNAVAILABLE as exc:
            log.warning("multilevel: Redis unavailable, get(%r) is a miss: %s", key, exc)
            value = _MISSING
        return self._after_l2_read(key, value, version, default)

    def get_or_load(self, key: str, loader: Callable[[], T]) -> T:
        """The cached value, or ``loader()`` (called once) stored in L2 and then L1."""
        _check_key(key)
        if not callable(loader):
            raise TypeError("loader must be a zero-argument callable")
        self.process_invalidations()
        value, version = self._l1_lookup(key)
        if value is not _MISSING:
            return value  # type: ignore[no-any-return]
        return self._l2_lookup_or_load(key, loader, version)

    def _l2_lookup_or_load(self, key: str, loader: Callable[[], T], version: int) -> T:
        """get_or_load() past an L1 miss: the L2 value (promoted), else a load. With Redis
        down, the loaded value is cached nowhere: it could not be announced to the others."""
        try:
            value = self._read_l2(key)
        except UNAVAILABLE as exc:
            log.warning("multilevel: Redis unavailable, get_or_load(%r) loads: %s", key, exc)
            with self._lock:
                self._misses += 1
            return loader()
        if value is not _MISSING and value is not _UNDECODABLE:
            return self._after_l2_read(key, value, version, None)  # type: ignore[no-any-return]
        with self._lock:
            self._misses += 1
        return self._load(key, loader, version, replace=value is _UNDECODABLE)

    def _load(self, key: str, loader: Callable[[], T], version: int, *, replace: bool) -> T:
        """Call the loader and store its value in L2 (with ``l2_ttl``), then in L1.

        Unless told to ``replace`` (data we could not decode), NX: never overwrite a value
        another writer stored while we were loading.
        """
        loaded = loader()
        data = self._serializer.dumps(loaded)
        try:
            stored = self._client.set(self._prefix + key, data, px=self._l2_ttl_ms, nx=not replace)
        except UNAVAILABLE as exc:
            log.warning("multilevel: Redis unavailable, %r loaded but not cached: %s", key, exc)
            return loaded
        if stored:
            with self._lock:
                self._promote(key, self._serializer.loads(data), version)
        return loaded

    def _l1_lookup(self, key: str) -> tuple[Any, int]:
        """(value or _MISSING, the version to promote against); counts an L1 hit."""
        with self._lock:
            value = self._l1.get(key, self._clock())
            if value is not _MISSING:
                self._l1_hits += 1
            return value, self._version

    def _read_l2(self, key: str) -> Any:
        data = self._client.get(self._prefix + key)
        if data is None:
            return _MISSING
        try:
            return self._serializer.loads(data)
        except (ValueError, TypeError) as exc:
            log.warning("multilevel: undecodable L2 value for %r treated as a miss: %s", key, exc)
            return _UNDECODABLE

    def _after_l2_read(self, key: str, value: Any, version: int, default: Any) -> Any:
        with self._lock:
            if value is _MISSING or value is _UNDECODABLE:
                self._misses += 1
                return default
            self._l2_hits += 1
            self._promote(key, value, version)
            return value

    def _promote(self, key: str, value: Any, version: int) -> None:
        """Put a value read from L2 into L1, unless an invalidation happened since. Locked."""
        if self._version == version:
            self._l1.put(key, value, self._clock())

    # -- writes -----------------------------------------------------------------------

    def set(self, key: str, value: Any) -> None:
        """Write L2 (with ``l2_ttl``) and announce it, then keep the value in L1.

        Raises the Redis error if L2 could not be written; the local copy is dropped first.
        """
        _check_key(key)
        data = self._serializer.dumps(value)  # a value it cannot encode changes nothing
        stored = self._serializer.loads(data)  # L1 serves what L2 would: the decoded copy
        version = self._invalidate(key)
        pipe = self._client.pipeline(transaction=True)
        pipe.set(self._prefix + key, data, px=self._l2_ttl_ms)
        self._publish(pipe, key)
        pipe.execute()
        with self._lock:
            if self._version == version:
                self._l1.put(key, stored, self._clock())
            else:  # another write raced ours: we cannot tell whose reached L2 last
                self._invalidate_locked(key)

    def delete(self, key: str) -> bool:
        """Remove the key from both levels and announce it; True if L2 held it.

        Raises the Redis error if L2 could not be reached; the local copy is dropped first.
        """
        _check_key(key)
        self._invalidate(key)
        pipe = self._client.pipeline(transaction=True)
        pipe.delete(self._prefix + key)
        self._publish(pipe, key)
        return bool(pipe.execute()[0])

    def _publish(self, pipe: redis.client.Pipeline, key: str) -> None:
        """Queue the invalidation message for ``key`` in the write's own transaction."""
        message = json.dumps({"sender": self._id, "key": key}, ensure_ascii=False)
        pipe.publish(self._channel, message)

    def _invalidate(self, key: str) -> int:
        self._check_open()
        with self._lock:
            return self._invalidate_locked(key)

    def _invalidate_locked(self, key: str) -> int:
        self._l1.discard(key)
        self._version += 1
        return self._version

    # -- coherence --------------------------------------------------------------------

    def process_invalidations(self) -> int:
        """Apply the messages that have arrived, without blocking; return how many came
        from other instances. Redis being unreachable is not an error here: it returns
        what it applied and retries the subscription on a later call."""
        self._check_open()
        applied = 0
        with self._pubsub_lock:
            if time.monotonic() < self._retry_at:
                return 0
            try:
                if not self._pubsub.subscribed:  # never subscribed: Redis was down so far
                    # Start over on a fresh connection (the confirmation, read below,
                    # empties L1: what was cached meanwhile was never covered by messages).
                    self._pubsub.close()
                    self._pubsub = self._client.pubsub()  # type: ignore[no-untyped-call]
                    self._pubsub.subscribe(self._channel)
                while (message := self._pubsub.get_message(timeout=0)) is not None:
                    applied += self._apply(message)
            except UNAVAILABLE as exc:
                self._retry_later(exc)
        return applied

    def _subscribe(self) -> None:
        """Subscribe and wait (briefly) for the confirmation: from then on every write is
        heard. If Redis is down, only schedule a retry: a cache must not stop its
        application from starting."""
        try:
            self._pubsub.subscribe(self._channel)
            deadline = time.monotonic() + SUBSCRIBE_TIMEOUT
            while (left := deadline - time.monotonic()) > 0:
                message = self._pubsub.get_message(timeout=left)
                if message is not None and message["type"] == "subscribe":
                    return
        except UNAVAILABLE as exc:
            self._retry_later(exc)

    def _retry_later(self, exc: Exception) -> None:
        """Pub/sub is unreachable: carry on without it (L1 may go stale until it is back)
        and try again after RESUBSCRIBE_BACKOFF."""
        log.warning("multilevel: pub/sub unavailable, L1 may go stale; will retry: %s", exc)
        self._retry_at = time.monotonic() + RESUBSCRIBE_BACKOFF

    def _apply(self, message: dict[str, Any]) -> int:
        kind = message["type"]
        if kind == "subscribe":
            # A subscription made after the constructor's: either Redis was down until now,
            # or redis-py reconnected and resubscribed by itself after a broken connection.
            # Whatever was published in between is lost, so L1 can no longer be trusted.
            with self._lock:
                self._l1.clear()
                self._version += 1
            return 0
        if kind != "message":
            return 0
        try:
            payload = json.loads(message["data"])
            sender, key = payload["sender"], payload["key"]
        except (ValueError, TypeError, KeyError):
            log.warning("multilevel: ignoring a malformed message %r", message["data"])
            return 0
        if sender == self._id or not isinstance(key, str):
            return 0
        with self._lock:
            self._invalidate_locked(key)
        return 1

    # -- the rest ---------------------------------------------------------------------

    def stats(self) -> dict[str, int]:
        with self._lock:
            return {"l1_hits": self._l1_hits, "l2_hits": self._l2_hits, "misses": self._misses}

    def close(self) -> None:
        """Release the pub/sub connection and empty L1. Idempotent; any other call then
        raises RuntimeError (a closed instance would no longer hear invalidations)."""
        with self._pubsub_lock:
            if self._closed:
                return
            self._closed = True
            try:
                self._pubsub.close()
            except redis.exceptions.RedisError as exc:
                log.warning("multilevel: error closing the pub/sub connection: %s", exc)
        with self._lock:
            self._l1.clear()

    def __enter__(self) -> MultiLevelCache:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("this MultiLevelCache is closed")

    def __repr__(self) -> str:
        return f"<MultiLevelCache channel={self._channel!r} id={self._id}>"


def _check_key(key: object) -> None:
    if not isinstance(key, str):
        raise TypeError(f"key must be a str, not {type(key).__name__}")


def _duration(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number of seconds, not {type(value).__name__}")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number of seconds > 0, got {value!r}")
    return float(value)
