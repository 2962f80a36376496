"""Kata 11, `write_behind`: write-through, write-around and write-behind caches in front of
a slow store, then the write buffer in a Redis stream.

A cache in front of a database must decide what a write does. Write-through writes the
store, then the cache. Write-around writes the store and drops the cached value.
Write-behind (write-back) answers at once from memory and writes the store later, in
batches: fast, and far fewer store calls, but every acknowledged write now lives in a
buffer that must not lose it, reorder it, or hammer a store that is down.

Run the tests with ``make test KATA=write_behind`` (add ``PART=1`` for one part).

Keys are non-empty ``str`` (TypeError if not a str, ValueError if empty; the message
names ``key``). Values are anything in Parts 1 and 2, and JSON values in Part 3. There is
no delete: a delete through a write-behind buffer is a tombstone, a write of its own
(see the write-up). Decisions this kata makes where the textbooks are silent are marked
"Decision:".

Part 1: ``WriteThroughCache`` and ``WriteAroundCache``: read-through on a miss, and what
each does to the cache when the store write succeeds or fails.

Part 2: ``WriteBehindCache``: writes acknowledged at once, coalesced per key, flushed by
size, by age (on an injected clock) and on ``close()``; failed flushes retried with a
stated backoff; concurrent callers.

Part 3: ``StreamWriteBehind``: the buffer in a Redis stream with a consumer group, so a
write survives the process that accepted it, and a crashed flusher's entries are claimed
and written by another process.

Arguments are checked at once, before anything else happens, with a message naming the
argument: a wrong type is a TypeError (``bool`` is not a number here, though it is an
``int`` to Python), a value out of range a ValueError.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any, Protocol, Self

import redis


class Store(Protocol):
    """The slow store behind the cache: a database, a remote service.

    - ``read(key)`` returns the stored value; raises ``KeyError`` when the store has none.
    - ``write(key, value)`` stores one value.
    - ``write_many(items)`` stores every ``key -> value`` of ``items`` in one call.

    Any call may raise any ``Exception`` (the store is down, a timeout). Decision: a failed
    write may or may not have been applied (a timeout can come after the write landed), so
    a cache must not assume either; writing the same values again is always safe (the last
    value written for a key wins). A call may also take a long time: callers must not hold
    a lock that others need while they wait for the store.
    """

    def read(self, key: str) -> Any: ...

    def write(self, key: str, value: Any) -> None: ...

    def write_many(self, items: Mapping[str, Any]) -> None: ...


class WriteThroughCache:
    """**Part 1**: every write goes to the store, then to the cache.

    ``WriteThroughCache(store)``: an unbounded dict in front of ``store``.

    ``get(key) -> value``

    - A cached key is answered from the cache: no store call.
    - A miss calls ``store.read(key)`` once, caches the value it returns (``None`` and
      other falsy values too: they are values), and returns it. When the read raises
      (``KeyError`` for a key the store lacks, or any other error), the exception
      propagates and nothing is cached: the next ``get`` reads the store again.

    ``put(key, value) -> None``

    - Calls ``store.write(key, value)`` once, and only when it returns does the cache hold
      ``value``: a read after ``put`` returns ``value`` without a store call
      (read-your-writes), and the cache never holds a value the store has not accepted.
    - When ``store.write`` raises, the exception propagates, and decision: the key is no
      longer cached at all, neither the new value (the store may not have it) nor the old
      one (the store may have the new one: a timeout can come after the write landed). The
      next ``get`` reads the store, the only one that knows.

    Thread-safety: decision: none. Part 1's classes are for one thread (guard them with
    your own lock); a read racing a write is the stale-set race of the ``invalidation``
    kata.
    """

    def __init__(self, store: Store) -> None:
        raise NotImplementedError

    def get(self, key: str) -> Any:
        """The cached value, else ``store.read(key)``, cached; its errors propagate."""
        raise NotImplementedError

    def put(self, key: str, value: Any) -> None:
        """``store.write(key, value)``, then cache ``value``; on failure drop the key."""
        raise NotImplementedError


class WriteAroundCache:
    """**Part 1**: every write goes to the store only, and the cached value is dropped.

    ``WriteAroundCache(store)``: an unbounded dict in front of ``store``, for data that is
    written often and read rarely (why fill the cache with it?).

    ``get(key) -> value``: as ``WriteThroughCache.get`` (read-through on a miss).

    ``put(key, value) -> None``

    - Calls ``store.write(key, value)`` once; afterwards the key is not cached, so the
      next ``get(key)`` calls ``store.read(key)`` once and returns what the store has
      (read-your-writes through the store). ``put`` never caches ``value`` itself.
    - When ``store.write`` raises, the exception propagates, and the key is not cached
      either (decision, for the same reason as write-through).

    Thread-safety: none (as ``WriteThroughCache``).
    """

    def __init__(self, store: Store) -> None:
        raise NotImplementedError

    def get(self, key: str) -> Any:
        """The cached value, else ``store.read(key)``, cached; its errors propagate."""
        raise NotImplementedError

    def put(self, key: str, value: Any) -> None:
        """``store.write(key, value)``; whatever happens, ``key`` is no longer cached."""
        raise NotImplementedError


class FlushError(Exception):
    """``close()`` gave up: the store did not accept these writes.

    ``unwritten`` maps each key the store may not have to its latest value, oldest first,
    so that the caller can save them elsewhere: an acknowledged write is never dropped
    silently. ``keys`` is ``list(unwritten)``. The message names the keys (the first ten,
    then how many more) and the store's last error.
    """

    def __init__(self, unwritten: Mapping[str, Any], cause: BaseException) -> None:
        raise NotImplementedError


class WriteBehindCache:
    """**Part 2**: writes are acknowledged at once and written to the store later, in batches.

    ``WriteBehindCache(store, *, max_batch=100, flush_interval=1.0, retry_base=0.1,
    retry_max=10.0, close_retries=3, clock=time.monotonic, sleep=time.sleep)``

    - ``max_batch``: an ``int`` >= 1 (not a bool): the most keys in one ``write_many``, and
      the number of pending keys that triggers a flush.
    - ``flush_interval``, ``retry_base``, ``retry_max``: seconds, finite numbers > 0, with
      ``retry_max >= retry_base`` (a ValueError naming ``retry_max`` otherwise).
    - ``close_retries``: an ``int`` >= 0: how many times ``close()`` tries again.
    - ``clock``: a zero-argument callable returning seconds (tests pass a fake clock);
      ``sleep``: a one-argument callable that waits that many seconds (used by ``close()``
      only). Decision: this class starts no thread of its own. Time-driven flushing
      happens in ``flush_due()``, which your own timer (or a loop) calls often, say every
      ``flush_interval / 4``; the tests call it after moving the fake clock.

    **State.** The cache holds the latest value of every key written or read. A key is
    *pending* from the first write the store has not accepted until a ``write_many``
    holding its latest value succeeds. Pending keys keep the order of their first unflushed
    write; writing a pending key again changes its value, never its place or its time
    (coalescing: only the last value of a key is written, and a key rewritten every
    millisecond is still flushed ``flush_interval`` after the first of those writes).

    ``put(key, value) -> None``

    - Caches ``value`` and makes ``key`` pending; returns at once: it does not wait for the
      store (a flush in progress in another thread does not delay it).
    - Then, if ``max_batch`` or more keys are waiting (pending and not in a batch being
      written right now) and no retry is being waited for (see *Failures*), this ``put``
      flushes (as below) before it returns: a full buffer pushes back on the writer. It
      never raises the store's error: the write was accepted; the failure only starts
      the backoff.

    ``get(key) -> value``: the cached value (the latest write, pending or not), with no
    store call; on a miss, ``store.read(key)`` as in Part 1, outside any lock, and the
    value read is cached only if no ``put`` of that key happened meanwhile (a read must
    never replace a newer write: that write would then be flushed with the old value).

    **Flushing** writes every pending key with its latest value, in batches of at most
    ``max_batch`` keys, oldest first, one ``store.write_many`` per batch, one batch after
    another. A batch whose call succeeds is done (its keys stop being pending, unless
    written again meanwhile). At the first batch that fails, the flush stops: that batch's
    keys are pending again at the front, in their order and with their times, and the
    later keys stay pending where they were. Nothing is lost, and the store never receives
    an older value of a key after a newer one. Keys that become pending while a flush runs
    (written by other threads) may be written by that flush or left for the next one.

    ``flush_due() -> int``: flushes if it is due, and returns the number of keys the store
    accepted (0 when nothing was due). Due means: some key is pending, and either a retry is
    due (see *Failures*), or, when no retry is being waited for, ``max_batch`` keys are
    pending or the oldest pending key's first unflushed write is ``flush_interval``
    seconds old or older (``clock() - first >= flush_interval``). It never raises the
    store's error.

    ``flush() -> int``: flushes now, whatever the clock and the backoff say; returns the
    number of keys written; raises the store's exception when a batch fails (after the
    bookkeeping above, and counting as a failure for the backoff).

    **Failures.** A flush in which a batch failed is a failure; ``n`` counts consecutive
    failures, and a flush whose batches all succeeded resets it to 0. After the n-th
    failure no store write is attempted (by ``put`` or ``flush_due``) until
    ``retry_base * 2 ** (n - 1)`` seconds have passed, capped at ``retry_max``: with the
    defaults 0.1, 0.2, 0.4, ... 10, 10 s after the failure. At that moment the retry is due:
    ``flush_due()`` flushes whatever the batch size and age.

    ``close() -> None``: stops accepting writes (``put`` then raises RuntimeError naming
    "closed"; ``get`` still answers from the cache and the store), and flushes everything
    pending, at once, whatever the backoff. If a batch fails, it tries again, at most
    ``close_retries`` more times, calling ``sleep(retry_base * 2 ** (i - 1))`` (capped at
    ``retry_max``) before the i-th retry. If keys are still pending after that, it raises
    ``FlushError`` with every pending key and its latest value. Calling ``close()`` again
    does the same with what is still pending (nothing to do: it returns at once).
    Context manager: ``with WriteBehindCache(...) as cache:`` closes it at the end.

    ``pending() -> int``: how many keys are pending (including a batch being written).

    Thread-safety: every method may be called from many threads at once. The store is
    never called while holding the lock that ``put`` and ``get`` take, and one flush runs
    at a time (a second waits for the first), so batches reach the store in order.
    """

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
        raise NotImplementedError

    def get(self, key: str) -> Any:
        """The latest cached value; on a miss ``store.read(key)``, cached unless a put won."""
        raise NotImplementedError

    def put(self, key: str, value: Any) -> None:
        """Cache and buffer; flush here only when ``max_batch`` keys are pending."""
        raise NotImplementedError

    def flush_due(self) -> int:
        """Flush if a batch is full, the oldest write is ``flush_interval`` old, or a retry
        is due; the number of keys written. Never raises the store's error."""
        raise NotImplementedError

    def flush(self) -> int:
        """Flush everything now; the number of keys written; raise if a batch fails."""
        raise NotImplementedError

    def pending(self) -> int:
        """How many keys the store has not accepted yet."""
        raise NotImplementedError

    def close(self) -> None:
        """Refuse new writes; flush, retrying ``close_retries`` times; else FlushError."""
        raise NotImplementedError

    def __enter__(self) -> Self:
        """Returns the cache."""
        raise NotImplementedError

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """``close()``."""
        raise NotImplementedError


class StreamWriteBehind:
    """**Part 3**: the write-behind buffer in a Redis stream, shared by processes.

    A buffer in one process's memory dies with it. Here ``put`` appends the write to a Redis
    stream, and any process's ``flush`` reads entries through a consumer group, writes them
    to the store and acknowledges them. An entry read by a flusher that then crashed stays
    in the group's pending list; after ``claim_idle`` seconds another flusher claims it
    (``XAUTOCLAIM``) and writes it.

    ``StreamWriteBehind(client, store, *, name, consumer=None, max_batch=100,
    claim_idle=30.0)``

    - ``client``: a ``redis.Redis`` (``decode_responses`` True or False: both work).
    - ``name``: a non-empty ``str``. The keys are ``wb:{<name>}:stream`` and
      ``wb:{<name>}:flushed``: the braces are a hash tag, so both live in one slot of a
      Redis Cluster and one script may use both.
    - ``consumer``: this flusher's name in the group, a non-empty ``str``; None (the
      default) picks a fresh random one (``secrets``). Two instances with one name are one
      consumer.
    - ``max_batch``: an ``int`` >= 1: the most entries one ``flush`` reads.
    - ``claim_idle``: seconds, finite and > 0, sent as whole milliseconds (at least 1):
      how long an entry read by another consumer must stay unacknowledged before this one
      claims it. It must be longer than the slowest flush: a flusher whose entries are
      claimed is presumed dead.

    The constructor creates the consumer group ``wb`` (reading from the start, id ``0``,
    creating the stream if needed: ``XGROUP CREATE ... 0 MKSTREAM``); a group that exists
    already (``BUSYGROUP``) is fine.

    ``put(key, value) -> None``: exactly one round trip, ``XADD wb:{<name>}:stream * k
    <key> v <json>``: the value as JSON text (``json.dumps``; never pickle, which runs code
    when read back). A value JSON cannot hold (a set, an object, NaN or infinity) is a
    TypeError or ValueError naming ``value``, and nothing is sent. A tuple comes back a
    list: JSON has no tuples. Decision: no ``MAXLEN`` on the ``XADD``: trimming by length
    drops the oldest entries, read or not, and those are acknowledged writes.

    ``flush() -> int``: one batch, at most ``max_batch`` entries, taken from the first of
    these that has any:

    1. entries other consumers read and left unacknowledged for ``claim_idle`` or longer
       (``XAUTOCLAIM wb:{<name>}:stream wb <consumer> <claim_idle ms> 0-0 COUNT
       <max_batch>``);
    2. this consumer's own unacknowledged entries (``XREADGROUP ... STREAMS ... 0``: a
       flush of them failed earlier);
    3. new entries (``XREADGROUP ... STREAMS ... >``).

    Of the batch's entries of one key only the last is written (coalescing). Entry ids
    order the writes of a key: the hash ``wb:{<name>}:flushed`` maps each key to the id of
    the last entry written for it, and an entry older than that (a claimed entry whose key
    has been written since) is acknowledged without being written: a late claim must not
    put back an old value. The rest go to the store in one ``store.write_many``. Only
    when that returns are the batch's entries acknowledged and deleted (``XACK`` and
    ``XDEL``, with the ``flushed`` update, in one script). If the store raises, nothing is
    acknowledged (the entries stay this consumer's, to be retried by its next flush or
    claimed by another) and the exception propagates. Returns the number of entries
    acknowledged (0 when there was nothing to do).

    ``pending() -> int``: how many entries the stream holds (not yet written and
    acknowledged), whoever reads them.

    Keys and their lifetimes. Decision: the stream has no TTL: it holds acknowledged writes,
    and an expiry would drop them all at once. It stays bounded because every entry is
    deleted as soon as it is acknowledged, so it holds only the writes not yet in the
    store. The ``flushed`` hash has no TTL either: it must outlive any entry still pending
    for its keys. It is deleted by the acknowledging script whenever the stream is left
    empty (no entry is pending anywhere, so no old entry can come back), which bounds it by
    the keys written since the stream was last drained.

    Thread-safety: an instance is for one thread; several processes (or threads, each with
    its own instance) may put and flush on one stream at once.
    """

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
        raise NotImplementedError

    def put(self, key: str, value: Any) -> None:
        """One ``XADD`` of the key and the value as JSON."""
        raise NotImplementedError

    def flush(self) -> int:
        """Claim idle entries, else retry our own, else read new ones; write, then ack."""
        raise NotImplementedError

    def pending(self) -> int:
        """How many entries the stream holds."""
        raise NotImplementedError
