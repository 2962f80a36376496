"""Kata 5, ``multilevel``: an in-process L1 cache in front of a shared Redis L2.

Many processes (web workers on several machines) share one Redis. Each keeps a small, very
fast copy of the hottest entries in its own memory (L1) and falls back to Redis (L2) on a
miss. The hard part is coherence: when one process changes a key, the others must stop
serving their old L1 copy, so every write is announced over Redis pub/sub.

Run the tests with ``make test KATA=multilevel`` (add ``PART=1`` to run one part).

The class
=========

``MultiLevelCache(client, *, namespace="mlc", l1_maxsize=1024, l1_ttl=5.0, l2_ttl=300.0,
clock=time.monotonic, serializer=None)``

- ``client``: an existing ``redis.Redis`` (or ``fakeredis.FakeRedis``), or a
  ``redis.cluster.RedisCluster``: the cache must work with either, whichever
  ``decode_responses`` the client was created with (see "Redis Cluster" below).
- ``namespace``: a non-empty ``str``. The L2 entry of ``key`` is the Redis string
  ``f"{namespace}:{key}"`` and invalidations travel on the channel
  ``f"{namespace}:invalidations"``. Instances with the same namespace on the same Redis
  form one coherent cache.
- ``l1_maxsize``: an ``int >= 1`` (a ``bool`` is a TypeError): how many entries L1 holds.
- ``l1_ttl``, ``l2_ttl``: seconds, finite and ``> 0`` (int or float; a ``bool`` is a
  TypeError). ``l1_ttl`` is measured on ``clock``; ``l2_ttl`` is a Redis TTL (real time),
  rounded down to whole milliseconds (at least 1 ms).
- ``clock``: a zero-argument callable returning seconds (the tests pass a fake clock).
- ``serializer``: any object with ``dumps(obj) -> str | bytes`` and ``loads(data) -> obj``;
  ``None`` means JSON (dicts, lists, str, int, float, bool, None). ``loads`` is given
  ``bytes`` or ``str`` depending on the client's ``decode_responses``. Never pickle.

Bad arguments fail at once, naming the argument: ``TypeError`` for a wrong type,
``ValueError`` for a bad value (``l1_maxsize < 1``; a ttl ``<= 0``, NaN or infinite; an
empty namespace). Every method taking a ``key`` raises ``TypeError`` (message names
``key``) if it is not a ``str``, before touching either level.

Part 1: two levels, read-through
================================

- ``get(key, default=None)``: an L1 hit is served from memory and sends NO Redis command.
  On an L1 miss, read L2 (one ``GET``); a hit there is promoted into L1 and returned;
  otherwise return ``default``. ``None`` is a value like any other (use ``stats()`` to tell
  it from a miss).
- ``set(key, value)``: serialize (a value the serializer rejects raises its error and
  changes nothing), write L2 with its TTL in the same command (``SET ... PX``), then keep
  the value in L1 (most recently used), so this instance reads its own write from memory.
- ``delete(key) -> bool``: remove the key from L1 and L2; True if L2 held it.
- ``get_or_load(key, loader)``: like ``get``, but on a miss in both levels call
  ``loader()`` exactly once, store its result in L2 (with ``l2_ttl``), then in L1, and
  return it. An L1 or L2 hit never calls the loader. If the loader raises, the exception
  propagates and nothing is cached. A ``None`` result is cached like any other value.
  Decision: the loaded value never overwrites a value another writer stored in L2 while
  the loader ran (``SET ... PX ... NX``: that write is newer, it stays, and the loaded
  value is not put into L1 either); data that was there but could not be decoded is
  overwritten.
- What the cache serves (from either level) is ``serializer.loads(serializer.dumps(v))``:
  L1 keeps the decoded copy, so L1 and L2 hits agree and mutating an object you passed to
  ``set`` does not change the cache. Do not mutate what ``get`` returns.
- L1 is an LRU of at most ``l1_maxsize`` entries: reads and writes make a key most recently
  used; inserting into a full L1 evicts the least recently used entry (an evicted key's
  next ``get`` reads L2 again).
- An L1 entry stored (by ``set``, promotion or ``get_or_load``) at clock time ``t`` is
  served while ``clock() < t + l1_ttl`` and never from ``t + l1_ttl`` on: the read then
  goes to L2 (and promotes again, with a fresh ``t``). An L1 hit does not extend ``t``.
- ``stats() -> dict``: ``{"l1_hits": ..., "l2_hits": ..., "misses": ...}``. Every ``get``
  and ``get_or_load`` counts exactly one of them (a miss in both levels is a miss, also
  when Redis was unreachable).
- Stored data the serializer cannot decode (``ValueError``/``TypeError``) is a miss.
- Thread-safe: one instance may be shared by the threads of a process, and its calls are
  linearizable: each takes effect at one instant between its start and its return. So a
  ``get`` that read L2 before a racing ``set`` or ``delete`` of that key must not leave
  its old value in L1 once that write has returned (take a version before reading L2, as
  for invalidations in Part 2, and let every write start a new one after its Redis
  command too).

Until you reach Part 2, let ``process_invalidations`` return 0.

Part 2: coherence over pub/sub
==============================

- Every ``set`` and ``delete`` publishes a message on ``<namespace>:invalidations`` naming
  the key and the sending instance (each instance has a random id from ``secrets``).
  Reference format: JSON ``{"sender": id, "key": key}``. Write and publish in one script
  call (``register_script``: ``SET ... PX`` or ``DEL``, then ``PUBLISH``), one round trip,
  so that a write is never left unannounced. Not MULTI/EXEC: redis-py's cluster client
  refuses a PUBLISH in a pipeline. The script's ``KEYS`` are the L2 key alone; the
  channel and the message go in ``ARGV`` (a channel is not a key).
- Each instance subscribes (its own pub/sub connection) when it is created.
- ``process_invalidations() -> int`` applies the messages that have already arrived,
  WITHOUT blocking: each message from another instance drops that key from L1. It returns
  how many messages from other instances it applied; the instance's own messages are
  ignored (not applied, not counted). Pub/sub reads are not commands on ``client``: an
  L1 hit still sends no command.
- The coherence rule: a message that has arrived is applied before any ``get`` or
  ``get_or_load`` that starts 1 ms or more after its arrival. So another instance's write
  is seen within milliseconds (at worst after ``l1_ttl``, if its message was lost).
  Calling ``process_invalidations()`` at the start of every read meets the rule; so does
  calling it at most once a millisecond (real time, ``time.monotonic``, not ``clock``),
  which spares L1 hits the pub/sub read: the reference does that.
- A read that started before an invalidation must not put its (old) value into L1 after
  the invalidation was applied (threads: remember a version before reading L2).
- ``close()`` unsubscribes and releases the pub/sub connection and empties L1. It is
  idempotent; every other method of a closed instance raises ``RuntimeError`` (it would no
  longer hear invalidations), except ``stats()``. The class is also a context manager.

Redis Cluster
=============

A cluster places each key in one of 16384 hash slots and runs a script only if all its
``KEYS`` are in one slot (else CROSSSLOT). Every script here touches one key, the L2
entry. ``client.pubsub()`` on a cluster client subscribes on one node, and a ``PUBLISH``
(a script's too) reaches the subscribers on every node, so nothing else changes.

Part 3: Redis going away
========================

Redis unavailable means ``redis.exceptions.ConnectionError`` or ``TimeoutError``.

- Reads fail open: an L1 hit is still served (``process_invalidations`` swallows the
  error, logs it and retries the subscription on a later read, at most every 0.1 s);
  ``get`` on an L1 miss returns ``default`` (a miss); ``get_or_load`` returns
  ``loader()`` without caching it anywhere (it could not be announced to the others).
- Writes fail closed: ``set`` and ``delete`` drop the local L1 copy first, then raise the
  Redis error: a write that did not reach L2 must not look done.
- Creating an instance while Redis is down works: the subscription is retried by later
  reads, and coherence resumes once Redis is back.
- When a broken pub/sub connection is re-established, messages published meanwhile are
  lost, so the instance empties its L1 (it cannot know what it missed).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

import redis

T = TypeVar("T")


class MultiLevelCache:
    """L1 (this process: LRU, ``l1_ttl``) over L2 (Redis: ``l2_ttl``), coherent over pub/sub."""

    def __init__(
        self,
        client: redis.Redis,
        *,
        namespace: str = "mlc",
        l1_maxsize: int = 1024,
        l1_ttl: float = 5.0,
        l2_ttl: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
        serializer: Any = None,  # an object with dumps(obj) and loads(data)
    ) -> None:
        """Validate the arguments, set up both levels and subscribe (Part 2; a Redis
        outage here is not an error: retry the subscription later)."""
        raise NotImplementedError

    def get(self, key: str, default: Any = None) -> Any:
        """Part 1: L1, else L2 (promote a hit into L1), else ``default``.

        Part 2: ``process_invalidations()`` first (at least once a millisecond). Part 3:
        Redis down -> L1 still serves; an L1 miss returns ``default``.
        """
        raise NotImplementedError

    def get_or_load(self, key: str, loader: Callable[[], T]) -> T:
        """Part 1: the cached value, or ``loader()`` (called once) stored in L2, then L1.

        Part 3: Redis down -> L1 still serves; otherwise return ``loader()``, uncached.
        """
        raise NotImplementedError

    def set(self, key: str, value: Any) -> None:
        """Part 1: write L2 (``SET ... PX``), then L1. Part 2: announce it in the same
        script call. Part 3: Redis down -> drop the L1 copy, raise the Redis error."""
        raise NotImplementedError

    def delete(self, key: str) -> bool:
        """Part 1: remove from both levels; True if L2 held the key. Part 2: announce it.
        Part 3: Redis down -> drop the L1 copy, raise the Redis error."""
        raise NotImplementedError

    def process_invalidations(self) -> int:
        """Part 2: apply the messages that have arrived, without blocking; return how many
        came from other instances (own messages ignored). Part 3: never raises because
        Redis is unreachable (log, retry the subscription later)."""
        raise NotImplementedError

    def stats(self) -> dict[str, int]:
        """Part 1: ``{"l1_hits": n, "l2_hits": n, "misses": n}``, counted per read."""
        raise NotImplementedError

    def close(self) -> None:
        """Part 2: release the pub/sub connection, empty L1; idempotent."""
        raise NotImplementedError

    def __enter__(self) -> MultiLevelCache:
        raise NotImplementedError

    def __exit__(self, *exc_info: object) -> None:
        raise NotImplementedError
