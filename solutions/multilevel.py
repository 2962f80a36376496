"""Multi-level cache: an in-process L1 in front of a shared Redis L2, kept coherent by pub/sub.

Reference solution. The design in one paragraph: L1 is an LRU map whose entries also carry
an expiry time (``l1_ttl`` on the injected clock). L2 is one Redis string per key,
``<namespace>:<key>``, always written with a TTL. Every ``set``/``delete`` writes L2 and
publishes ``{"sender": <instance id>, "key": <key>}`` on ``<namespace>:invalidations`` in one
script call (one round trip, atomic, and accepted by a Redis Cluster client, which refuses
a PUBLISH in a pipeline). Reads drain the messages that have arrived on this instance's own
subscription (non-blocking) and drop the keys other instances changed, at most once a
millisecond: an L1 hit is a dictionary look-up, without a lock or a pub/sub read, and a
message is applied before any read that starts a millisecond after it arrived. Redis
being unreachable never breaks a read (L1 still serves, an L1 miss is a miss), but a
write that did not reach L2 raises after dropping the local copy.

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
- ``record_read(operation, level)``: count one read that went to L2 as ``"l2_hits"`` or
  ``"misses"`` (called with ``mutex`` held; override to export metrics). L1 hits are
  counted on the hit path itself.
- ``promote(key, value, version)``: put a value read from L2 (or loaded) into L1, if
  ``still_current(version)``.
- ``still_current(version) -> bool``: nothing was invalidated since ``version`` was taken.
- ``write_l2(key, data, *, only_if_absent=False) -> bool``: ``SET <l2 key> data PX
  <l2_ttl>`` for a loaded value, ``NX`` when it must never overwrite a concurrent
  writer's; whether it was stored.
- ``invalidation(key) -> str``: the message that announces a write of ``key``.
- ``send_set(key, data)`` / ``send_delete(key) -> bool``: one call of ``SET_SCRIPT`` /
  ``DELETE_SCRIPT``, which write (or delete) the L2 entry and publish the invalidation.
- ``forget(key) -> int``: drop ``key`` from L1 and start a new version (reads in flight
  will not promote); writes call it before sending anything, and again once the write is
  sent (a read racing the write may have filled L1 meanwhile). Returns the new version.
- ``is_own(sender) -> bool``: whether a message was sent by this instance (ignored).
- ``resubscribe()`` / ``unsubscribe()``: make a fresh pub/sub subscription (Redis was
  down, or the connection broke) / release the subscription and its connection.
- ``l1_type``: the class of L1, ``LocalLRU``, whose own steps are ``is_expired(expires_at,
  now) -> bool`` and ``on_hit(key)`` (the two steps of a hit) and ``evict()`` (drop least
  recently used entries beyond ``maxsize``).

Public attributes: ``client``, ``serializer``, ``instance_id``, ``channel``, ``l2_ttl_ms``
and ``mutex`` (the lock that guards every change to L1, the version and the counters of
L2 reads; never held during a Redis command or a loader).
"""

from __future__ import annotations

import itertools
import json
import logging
import math
import operator
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from time import monotonic
from typing import Any, ClassVar, Protocol, TypeVar

import redis
from redis.commands.core import Script

__all__ = [
    "MISSING", "UNAVAILABLE", "JSONSerializer", "LocalLRU", "MultiLevelCache", "Serializer",
]

log = logging.getLogger(__name__)

T = TypeVar("T")

# "Redis is unreachable": what reads survive and writes re-raise. Other Redis errors (a
# key of the wrong type, a script error) are bugs and always propagate.
UNAVAILABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)

# Reads drain the pub/sub messages that have arrived at most this often (real seconds): a
# message is applied before any read that starts POLL_INTERVAL after it arrived, and the
# L1 hits in between cost no pub/sub read.
POLL_INTERVAL = 0.001
# After the pub/sub connection fails, reads stop touching it for this long (real seconds),
# so that L1 hits during an outage do not each pay for a failed reconnect.
RESUBSCRIBE_BACKOFF = 0.1
# How long the constructor waits for the server to confirm the subscription.
SUBSCRIBE_TIMEOUT = 1.0

# KEYS[1]: the L2 entry. ARGV[1]: the data. ARGV[2]: its TTL in ms. ARGV[3]: the channel.
# ARGV[4]: the invalidation message. The write and its announcement in one step, so that
# a write is never left unannounced. The channel is not a key: a cluster routes a script
# by its keys, which must share a slot, and a PUBLISH reaches every node anyway.
SET_AND_ANNOUNCE = """
redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('publish', ARGV[3], ARGV[4])
return 1
"""

# KEYS[1]: the L2 entry. ARGV[1]: the channel. ARGV[2]: the invalidation message.
# 1 if there was an entry to delete, else 0; announced either way.
DELETE_AND_ANNOUNCE = """
local deleted = redis.call('del', KEYS[1])
redis.call('publish', ARGV[1], ARGV[2])
return deleted
"""


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


class LocalLRU(OrderedDict[str, tuple[float, Any]]):
    """The in-process level: ``key -> (expires_at, value)``, least recently used first.

    Every change (``put``, ``discard``, ``clear``) is made under MultiLevelCache's mutex.
    A hit is read without it: ``get`` (the dict's own), then the two steps below, each
    atomic on its own. Their defaults are C functions, so a hit runs no Python code.
    """

    __slots__ = ("clock", "maxsize", "ttl")

    # is_expired(expires_at, now): an entry is served while now < expires_at, never from
    # expires_at on (expires_at <= now).
    is_expired = staticmethod(operator.le)
    # on_hit(key): a hit makes the key the most recently used (it does not extend its
    # life). KeyError if another thread removed the key since the look-up.
    on_hit = OrderedDict.move_to_end

    def __init__(self, maxsize: int, ttl: float, clock: Callable[[], float]) -> None:
        super().__init__()
        self.maxsize = maxsize
        self.ttl = ttl
        self.clock = clock

    def put(self, key: str, value: Any) -> None:
        """Store ``value`` as the most recently used entry, live for ``ttl`` from now."""
        self[key] = (self.clock() + self.ttl, value)
        self.move_to_end(key)
        self.evict()

    def discard(self, key: str) -> None:
        self.pop(key, None)

    def evict(self) -> None:
        """Drop the least recently used entries beyond ``maxsize``."""
        while len(self) > self.maxsize:
            self.popitem(last=False)


class MultiLevelCache:
    """L1 (this process, LRU + ``l1_ttl``) over L2 (Redis, ``l2_ttl``), coherent over pub/sub.

    Thread-safe. See the kata stub for the full specification, and the module docstring
    for the extension points.
    """

    l1_type: ClassVar[type[LocalLRU]] = LocalLRU
    SET_SCRIPT: ClassVar[str] = SET_AND_ANNOUNCE
    DELETE_SCRIPT: ClassVar[str] = DELETE_AND_ANNOUNCE

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
        self.l2_ttl_ms = max(1, int(self.check_seconds("l2_ttl", l2_ttl) * 1000))
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
        self.channel = f"{namespace}:invalidations"
        self._prefix = f"{namespace}:"
        self._clock = clock
        self._set_script: Script = client.register_script(self.SET_SCRIPT)
        self._delete_script: Script = client.register_script(self.DELETE_SCRIPT)

        self.mutex = threading.Lock()  # changes to L1, _version and the L2 read counters
        self._l1 = self.l1_type(l1_maxsize, l1_seconds, clock)
        # Bumped whenever an L1 entry is invalidated. A reader remembers it before going to
        # L2 and promotes what it read only if nothing was invalidated meanwhile: otherwise a
        # value read just before a concurrent write could be put back after it.
        self._version = 0
        self._counts = {"l2_hits": 0, "misses": 0}
        # L1 hits are counted without the mutex: next() on an itertools.count is atomic.
        # stats() takes a number from it too, and subtracts the ones it took.
        self._l1_hits = itertools.count()
        self._l1_hits_taken = 0

        self._pubsub_lock = threading.Lock()  # a PubSub object is not thread-safe
        self._pubsub: redis.client.PubSub = client.pubsub()  # type: ignore[no-untyped-call]
        self._poll_due = 0.0  # on time.monotonic: when reads next drain the messages
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
        # The body of _l1_hit, inlined: an L1 hit is the hot path, and a call costs.
        now = monotonic()
        if now >= self._poll_due:
            self.process_invalidations()  # raises once the cache is closed
        if self._clock is not monotonic:
            now = self._clock()
        l1 = self._l1
        try:
            entry = l1.get(key)
        except TypeError:  # unhashable, so not a str either
            self.check_key(key)
            raise
        if entry is not None and not l1.is_expired(entry[0], now):
            try:  # noqa: SIM105 - on the hot path, a try costs nothing and suppress() a call
                l1.on_hit(key)
            except KeyError:  # evicted or invalidated by another thread since the look-up
                pass
            next(self._l1_hits)
            return entry[1]
        self.check_key(key)
        version = self._version_after_miss(key)
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
        value = self._l1_hit(key)
        if value is not MISSING:
            return value  # type: ignore[no-any-return]
        version = self._version_after_miss(key)
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

    def _l1_hit(self, key: str) -> Any:
        """The hot path: the live L1 value of ``key`` (now the most recently used), or
        MISSING. No lock and no Redis command: ``dict.get`` and ``move_to_end`` are atomic
        each, and an entry removed between the two was still there when looked up. The
        messages that have arrived are applied first, at most once a millisecond (on real
        time; one clock read serves both when the cache runs on time.monotonic)."""
        now = monotonic()
        if now >= self._poll_due:
            self.process_invalidations()  # raises once the cache is closed
        if self._clock is not monotonic:
            now = self._clock()
        l1 = self._l1
        try:
            entry = l1.get(key)
        except TypeError:  # unhashable, so not a str either
            self.check_key(key)
            raise
        if entry is None or l1.is_expired(entry[0], now):
            return MISSING
        try:  # noqa: SIM105 - on the hot path, a try costs nothing and suppress() a call
            l1.on_hit(key)
        except KeyError:  # evicted or invalidated by another thread since the look-up
            pass
        next(self._l1_hits)
        return entry[1]

    def _version_after_miss(self, key: str) -> int:
        """After an L1 miss: drop ``key``'s expired entry (it would hold a place in the
        LRU), and take the version to promote against."""
        with self.mutex:
            entry = self._l1.get(key)
            if entry is not None and self._l1.is_expired(entry[0], self._clock()):
                del self._l1[key]
            return self._version

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
        """Count one read that went to L2 as ``"l2_hits"`` or ``"misses"``. Mutex held."""
        self._counts[level] += 1

    def promote(self, key: str, value: Any, version: int) -> None:
        """Put a value read from L2 (or loaded) into L1, unless invalidated since."""
        with self.mutex:
            if self.still_current(version):
                self._l1.put(key, value)

    def still_current(self, version: int) -> bool:
        """Whether nothing was invalidated since ``version`` was taken."""
        return self._version == version

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
            stored = self.write_l2(key, data, only_if_absent=not replace)
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
        try:
            self.send_set(key, data)
        except BaseException:
            self.forget(key)
            raise
        with self.mutex:
            raced = not self.still_current(version)
            # A read that took its version after our first forget may have read the old
            # L2 value: a new version keeps it from promoting that after us.
            self._forget_locked(key)
            if not raced:  # else another write raced ours: whose reached L2 last is unknown
                self._l1.put(key, stored)

    def delete(self, key: str) -> bool:
        """Remove the key from both levels and announce it; True if L2 held it.

        Raises the Redis error if L2 could not be reached; the local copy is dropped first.
        """
        self.check_key(key)
        self.forget(key)
        try:
            return self.send_delete(key)
        finally:
            # A read or write racing ours may have filled L1 between our first forget and
            # the DEL (with a value read before it, or written before it): drop it.
            self.forget(key)

    def write_l2(self, key: str, data: str | bytes, *, only_if_absent: bool = False) -> bool:
        """``SET <l2 key> data PX <l2_ttl>`` (NX if ``only_if_absent``) for a loaded value;
        whether it was stored."""
        return bool(self.client.set(self.l2_key(key), data, px=self.l2_ttl_ms,
                                    nx=only_if_absent))

    def invalidation(self, key: str) -> str:
        """The message that tells the other instances ``key`` changed: JSON, with our id."""
        return json.dumps({"sender": self.instance_id, "key": key}, ensure_ascii=False)

    def send_set(self, key: str, data: str | bytes) -> None:
        """One script call: write the L2 entry (``SET ... PX``) and publish its invalidation."""
        self._set_script(keys=[self.l2_key(key)],
                         args=[data, self.l2_ttl_ms, self.channel, self.invalidation(key)])

    def send_delete(self, key: str) -> bool:
        """One script call: delete the L2 entry and publish its invalidation; True if there
        was an entry."""
        deleted = self._delete_script(keys=[self.l2_key(key)],
                                      args=[self.channel, self.invalidation(key)])
        return bool(deleted)

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
        applied = 0
        with self._pubsub_lock:
            self._check_open()
            try:
                if monotonic() >= self._retry_at:
                    if not self._pubsub.subscribed:  # never subscribed: Redis was down
                        self.resubscribe()
                    while (message := self._pubsub.get_message(timeout=0)) is not None:
                        applied += self._apply(message)
            except UNAVAILABLE as exc:
                self._retry_later()
                self.read_failed("invalidations", exc)
            self._poll_due = monotonic() + POLL_INTERVAL
        return applied

    def is_own(self, sender: object) -> bool:
        """Whether a message was sent by this instance (its own messages are ignored)."""
        return sender == self.instance_id

    def resubscribe(self) -> None:
        """Start over on a fresh pub/sub connection. Its confirmation, read later, empties
        L1: what was cached meanwhile was never covered by messages. Pub/sub lock held."""
        self._pubsub.close()
        self._pubsub = self.client.pubsub()  # type: ignore[no-untyped-call]
        self._pubsub.subscribe(self.channel)

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
            self._pubsub.subscribe(self.channel)
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
            l1_hits = next(self._l1_hits) - self._l1_hits_taken
            self._l1_hits_taken += 1
            return {"l1_hits": l1_hits, **self._counts}

    def close(self) -> None:
        """Release the pub/sub connection and empty L1. Idempotent; any other call then
        raises RuntimeError (a closed instance would no longer hear invalidations)."""
        with self._pubsub_lock:
            if self._closed:
                return
            self._closed = True
            self._poll_due = -math.inf  # the next read polls, and polling a closed cache raises
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
        return f"<MultiLevelCache channel={self.channel!r} id={self.instance_id}>"
