"""Multi-level cache: an in-process L1 in front of a shared Redis L2, kept coherent by pub/sub.

Reference solution. The design in one paragraph: L1 is an LRU map whose entries also carry
an expiry time (``l1_ttl`` on the injected clock). L2 is one Redis string per key,
``<namespace>:<key>``, always written with a TTL. Every ``set``/``delete`` writes L2 and
publishes ``{"sender": <instance id>, "key": <key>}`` on ``<namespace>:invalidations`` in one
MULTI/EXEC round trip; every read first drains the messages that have arrived on this
instance's own subscription (non-blocking) and drops the keys other instances changed.
Redis being unreachable never breaks a read (L1 still serves, an L1 miss is a miss), but
a write that did not reach L2 raises after dropping the local copy.

Extension points
================

Each step a broken cache (or a subclass of yours) may override is a public method with a
one-line contract; everything else is mechanics it should not need to touch.

``MultiLevelCache``

- ``check_key(key)`` and ``check_seconds(name, value) -> float``: argument checks; raise
  ``TypeError``/``ValueError`` naming the argument (``check_seconds`` returns a float).
- ``read_l2(operation, key)``: one ``GET``, decoded; ``MISSING`` when there is no usable
  value; raises when Redis is unreachable. ``operation`` is ``"get"`` or ``"get_or_load"``.
- ``read_failed(operation, error)``: the policy when a read could not reach Redis
  (``operation``: ``"get"``, ``"get_or_load"`` or ``"invalidations"``): log and return, so
  reads fail open. Raising here makes reads fail closed.
- ``record_read(operation, level)``: count one read as ``"l1_hits"``, ``"l2_hits"`` or
  ``"misses"`` (called with ``mutex`` held; override to export metrics).
- ``promote(key, value, version)``: put a value read from L2 (or loaded) into L1, if
  ``still_current(version)``.
- ``still_current(version) -> bool``: nothing was invalidated since ``version`` was taken.
- ``write_l2(target, key, data, *, only_if_absent=False)``: send or queue on ``target`` (the
  client or a pipeline) ``SET <l2 key> data PX <l2_ttl>``; ``NX`` for a loaded value, which
  must never overwrite a concurrent writer's.
- ``announce(pipe, key)``: queue the invalidation message for ``key`` in a write's
  transaction.
- ``send_set(key, data)`` / ``send_delete(key) -> bool``: one MULTI/EXEC round trip that
  writes (or deletes) the L2 entry and announces it.
- ``forget(key) -> int``: drop ``key`` from L1 and start a new version (reads in flight
  will not promote); writes call it before sending anything. Returns the new version.
- ``is_own(sender) -> bool``: whether a message was sent by this instance (ignored).
- ``resubscribe()`` / ``unsubscribe()``: make a fresh pub/sub subscription (Redis was
  down, or the connection broke) / release the subscription and its connection.
- ``l1_type``: the class of L1, ``LocalLRU``, whose own steps are ``is_expired(expires_at,
  now) -> bool``, ``on_hit(key, value, now)`` (make it most recently used) and ``evict()``
  (drop least recently used entries beyond ``maxsize``).

Public attributes: ``client``, ``serializer``, ``instance_id`` and ``mutex`` (the lock that
guards L1, the version and the counters; never held during a Redis command or a loader).
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

__all__ = [
    "MISSING", "UNAVAILABLE", "JSONSerializer", "LocalLRU", "MultiLevelCache", "Serializer",
]

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


class _Sentinel:
    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    def __repr__(self) -> str:
        return self._name


MISSING: Any = _Sentinel("MISSING")  # no value (None is a value)
_UNDECODABLE: Any = _Sentinel("UNDECODABLE")  # L2 holds data the serializer cannot read


class Serializer(Protocol):
    def dumps(self, obj: Any) -> str | bytes: ...

    def loads(self, data: str | bytes) -> Any: ...


class JSONSerializer:
    """The default: compact JSON text. Dicts, lists, str, int, float, bool and None."""

    def dumps(self, obj: Any) -> str:
        return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)

    def loads(self, data: str | bytes) -> Any:
        return json.loads(data)


class LocalLRU:
    """The in-process level: an LRU map whose entries expire ``ttl`` after they are stored.

    Not thread-safe on its own (MultiLevelCache holds its mutex around every call).
    """

    __slots__ = ("_data", "maxsize", "ttl")

    def __init__(self, maxsize: int, ttl: float) -> None:
        self.maxsize = maxsize
        self.ttl = ttl
        self._data: OrderedDict[str, tuple[float, Any]] = OrderedDict()

    def get(self, key: str, now: float) -> Any:
        """The live value (made most recently used), or ``MISSING``."""
        entry = self._data.get(key)
        if entry is None:
            return MISSING
        expires_at, value = entry
        if self.is_expired(expires_at, now):
            del self._data[key]
            return MISSING
        self.on_hit(key, value, now)
        return value

    def put(self, key: str, value: Any, now: float) -> None:
        """Store ``value`` as the most recently used entry, live until ``now + ttl``."""
        self._data[key] = (now + self.ttl, value)
        self._data.move_to_end(key)
        self.evict()

    def discard(self, key: str) -> None:
        self._data.pop(key, None)

    def clear(self) -> None:
        self._data.clear()

    def is_expired(self, expires_at: float, now: float) -> bool:
        """An entry is served while ``now < stored_at + ttl``, never from then on."""
        return now >= expires_at

    def on_hit(self, key: str, value: Any, now: float) -> None:
        """A hit makes the key the most recently used (it does not extend its life)."""
        self._data.move_to_end(key)

    def evict(self) -> None:
        """Drop the least recently used entries beyond ``maxsize``."""
        while len(self._data) > self.maxsize:
            self._data.popitem(last=False)


class MultiLevelCache:
    """L1 (this process, LRU + ``l1_ttl``) over L2 (Redis, ``l2_ttl``), coherent over pub/sub.

    Thread-safe. See the kata stub for the full specification, and the module docstring
    for the extension points.
    """

    l1_type: ClassVar[type[LocalLRU]] = LocalLRU

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
        l1_seconds = self.check_seconds("l1_ttl", l1_ttl)
        # Whole milliseconds, never longer than asked (but at least 1 ms).
        self._l2_ttl_ms = max(1, int(self.check_seconds("l2_ttl", l2_ttl) * 1000))
        if not callable(clock):
            raise TypeError("clock must be a zero-argument callable returning seconds")
        if serializer is None:
            serializer = JSONSerializer()
        elif not (callable(getattr(serializer, "dumps", None))
                  and callable(getattr(serializer, "loads", None))):
            raise TypeError("serializer must have dumps(obj) and loads(data) methods")

        self.client = client
        self.serializer = serializer
        self.instance_id = secrets.token_hex(8)
        self._prefix = f"{namespace}:"
        self._channel = f"{namespace}:invalidations"
        self._clock = clock

        self.mutex = threading.Lock()  # L1, _version and the counters
        self._l1 = self.l1_type(l1_maxsize, l1_seconds)
        # Bumped whenever an L1 entry is invalidated. A reader remembers it before going to
        # L2 and promotes what it read only if nothing was invalidated meanwhile: otherwise a
        # value read just before a concurrent write could be put back after it.
        self._version = 0
        self._counts = {"l1_hits": 0, "l2_hits": 0, "misses": 0}

        self._pubsub_lock = threading.Lock()  # a PubSub object is not thread-safe
        self._pubsub: redis.client.PubSub = client.pubsub()  # type: ignore[no-untyped-call]
        self._retry_at = 0.0
        self._closed = False
        self._subscribe()

    # -- argument checks ----------------------------------------------------------------

    def check_key(self, key: object) -> None:
        """Every method taking a key: a ``str``, else ``TypeError`` naming ``key``."""
        if not isinstance(key, str):
            raise TypeError(f"key must be a str, not {type(key).__name__}")

    def check_seconds(self, name: str, value: object) -> float:
        """A duration argument: an int or float, finite and > 0; returned as a float."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(f"{name} must be a number of seconds, not {type(value).__name__}")
        if not math.isfinite(value) or value <= 0:
            raise ValueError(f"{name} must be a finite number of seconds > 0, got {value!r}")
        return float(value)

    def l2_key(self, key: str) -> str:
        """The Redis key of ``key``'s L2 entry: ``<namespace>:<key>``."""
        return self._prefix + key

    # -- reads ------------------------------------------------------------------------

    def get(self, key: str, default: Any = None) -> Any:
        """The value from L1, else from L2 (promoted into L1), else ``default``."""
        self.check_key(key)
        self.process_invalidations()
        value, version = self._l1_lookup("get", key)
        if value is MISSING:
            try:
                value = self.read_l2("get", key)
            except UNAVAILABLE as exc:
                self.read_failed("get", exc)
                value = MISSING
            value = self._after_l2_read("get", key, value, version)
        return default if value is MISSING else value

    def get_or_load(self, key: str, loader: Callable[[], T]) -> T:
        """The cached value, or ``loader()`` (called once) stored in L2 and then L1.

        With Redis down, the loaded value is cached nowhere: it could not be announced.
        """
        self.check_key(key)
        if not callable(loader):
            raise TypeError("loader must be a zero-argument callable")
        self.process_invalidations()
        value, version = self._l1_lookup("get_or_load", key)
        if value is not MISSING:
            return value  # type: ignore[no-any-return]
        try:
            value = self.read_l2("get_or_load", key)
        except UNAVAILABLE as exc:
            self.read_failed("get_or_load", exc)
            self._after_l2_read("get_or_load", key, MISSING, version)
            return loader()
        found = self._after_l2_read("get_or_load", key, value, version)
        if found is not MISSING:
            return found  # type: ignore[no-any-return]
        return self._load(key, loader, version, replace=value is _UNDECODABLE)

    def read_l2(self, operation: str, key: str) -> Any:
        """One GET: the decoded value, or ``MISSING``; raises if Redis is unreachable."""
        data = self.client.get(self.l2_key(key))
        if data is None:
            return MISSING
        try:
            return self.serializer.loads(data)
        except (ValueError, TypeError) as exc:
            log.warning("multilevel: undecodable L2 value for %r treated as a miss: %s", key, exc)
            return _UNDECODABLE

    def read_failed(self, operation: str, error: Exception) -> None:
        """Reads fail open: log the outage and carry on (the read is a miss, L1 serves)."""
        log.warning("multilevel: Redis unavailable during %s, failing open: %s", operation, error)

    def record_read(self, operation: str, level: str) -> None:
        """Count one read as ``"l1_hits"``, ``"l2_hits"`` or ``"misses"``. Mutex held."""
        self._counts[level] += 1

    def promote(self, key: str, value: Any, version: int) -> None:
        """Put a value read from L2 (or loaded) into L1, unless invalidated since."""
        with self.mutex:
            if self.still_current(version):
                self._l1.put(key, value, self._clock())

    def still_current(self, version: int) -> bool:
        """Whether nothing was invalidated since ``version`` was taken."""
        return self._version == version

    def _l1_lookup(self, operation: str, key: str) -> tuple[Any, int]:
        """(value or MISSING, the version to promote against); counts an L1 hit."""
        with self.mutex:
            value = self._l1.get(key, self._clock())
            if value is not MISSING:
                self.record_read(operation, "l1_hits")
            return value, self._version

    def _after_l2_read(self, operation: str, key: str, value: Any, version: int) -> Any:
        """Count the L2 read and promote a hit; the value, or MISSING for a miss."""
        if value is MISSING or value is _UNDECODABLE:
            with self.mutex:
                self.record_read(operation, "misses")
            return MISSING
        with self.mutex:
            self.record_read(operation, "l2_hits")
        self.promote(key, value, version)
        return value

    def _load(self, key: str, loader: Callable[[], T], version: int, *, replace: bool) -> T:
        """Call the loader and store its value in L2 (with ``l2_ttl``), then in L1.

        Unless told to ``replace`` (data we could not decode), NX: never overwrite a value
        another writer stored while we were loading.
        """
        loaded = loader()
        data = self.serializer.dumps(loaded)
        try:
            stored = self.write_l2(self.client, key, data, only_if_absent=not replace)
        except UNAVAILABLE as exc:
            log.warning("multilevel: Redis unavailable, %r loaded but not cached: %s", key, exc)
            return loaded
        if stored:
            self.promote(key, self.serializer.loads(data), version)
        return loaded

    # -- writes -----------------------------------------------------------------------

    def set(self, key: str, value: Any) -> None:
        """Write L2 (with ``l2_ttl``) and announce it, then keep the value in L1.

        Raises the Redis error if L2 could not be written; the local copy is dropped first.
        """
        self.check_key(key)
        data = self.serializer.dumps(value)  # a value it cannot encode changes nothing
        stored = self.serializer.loads(data)  # L1 serves what L2 would: the decoded copy
        version = self.forget(key)
        self.send_set(key, data)
        with self.mutex:
            if self.still_current(version):
                self._l1.put(key, stored, self._clock())
            else:  # another write raced ours: we cannot tell whose reached L2 last
                self._forget_locked(key)

    def delete(self, key: str) -> bool:
        """Remove the key from both levels and announce it; True if L2 held it.

        Raises the Redis error if L2 could not be reached; the local copy is dropped first.
        """
        self.check_key(key)
        self.forget(key)
        return self.send_delete(key)

    def write_l2(self, target: Any, key: str, data: str | bytes, *,
                 only_if_absent: bool = False) -> Any:
        """``SET <l2 key> data PX <l2_ttl>`` (NX if ``only_if_absent``) on the client or a
        pipeline; what ``target.set`` returns."""
        return target.set(self.l2_key(key), data, px=self._l2_ttl_ms, nx=only_if_absent)

    def announce(self, pipe: redis.client.Pipeline, key: str) -> None:
        """Queue the invalidation message for ``key`` in the write's own transaction."""
        message = json.dumps({"sender": self.instance_id, "key": key}, ensure_ascii=False)
        pipe.publish(self._channel, message)

    def send_set(self, key: str, data: str | bytes) -> None:
        """One MULTI/EXEC: write the L2 entry and announce it."""
        pipe = self.client.pipeline(transaction=True)
        self.write_l2(pipe, key, data)
        self.announce(pipe, key)
        pipe.execute()

    def send_delete(self, key: str) -> bool:
        """One MULTI/EXEC: delete the L2 entry and announce it; True if there was one."""
        pipe = self.client.pipeline(transaction=True)
        pipe.delete(self.l2_key(key))
        self.announce(pipe, key)
        return bool(pipe.execute()[0])

    def forget(self, key: str) -> int:
        """Drop ``key`` from L1 and start a new version; the new version."""
        self._check_open()
        with self.mutex:
            return self._forget_locked(key)

    def _forget_locked(self, key: str) -> int:
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
                    self.resubscribe()
                while (message := self._pubsub.get_message(timeout=0)) is not None:
                    applied += self._apply(message)
            except UNAVAILABLE as exc:
                self._retry_later()
                self.read_failed("invalidations", exc)
        return applied

    def is_own(self, sender: object) -> bool:
        """Whether a message was sent by this instance (its own messages are ignored)."""
        return sender == self.instance_id

    def resubscribe(self) -> None:
        """Start over on a fresh pub/sub connection. Its confirmation, read later, empties
        L1: what was cached meanwhile was never covered by messages. Pub/sub lock held."""
        self._pubsub.close()
        self._pubsub = self.client.pubsub()  # type: ignore[no-untyped-call]
        self._pubsub.subscribe(self._channel)

    def unsubscribe(self) -> None:
        """Release the subscription and its connection (close() calls it once)."""
        try:
            self._pubsub.close()
        except redis.exceptions.RedisError as exc:
            log.warning("multilevel: error closing the pub/sub connection: %s", exc)

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
            self._retry_later()
            self.read_failed("invalidations", exc)

    def _retry_later(self) -> None:
        """Pub/sub is unreachable: carry on without it (L1 may go stale until it is back)
        and try again after RESUBSCRIBE_BACKOFF."""
        self._retry_at = time.monotonic() + RESUBSCRIBE_BACKOFF

    def _apply(self, message: dict[str, Any]) -> int:
        kind = message["type"]
        if kind == "subscribe":
            # A subscription made after the constructor's: either Redis was down until now,
            # or redis-py reconnected and resubscribed by itself after a broken connection.
            # Whatever was published in between is lost, so L1 can no longer be trusted.
            with self.mutex:
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
        if self.is_own(sender) or not isinstance(key, str):
            return 0
        with self.mutex:
            self._forget_locked(key)
        return 1

    # -- the rest ---------------------------------------------------------------------

    def stats(self) -> dict[str, int]:
        with self.mutex:
            return dict(self._counts)

    def close(self) -> None:
        """Release the pub/sub connection and empty L1. Idempotent; any other call then
        raises RuntimeError (a closed instance would no longer hear invalidations)."""
        with self._pubsub_lock:
            if self._closed:
                return
            self._closed = True
            self.unsubscribe()
        with self.mutex:
            self._l1.clear()

    def __enter__(self) -> MultiLevelCache:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("this MultiLevelCache is closed")

    def __repr__(self) -> str:
        return f"<MultiLevelCache channel={self._channel!r} id={self.instance_id}>"
