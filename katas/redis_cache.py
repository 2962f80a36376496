"""Kata 3: ``redis_cache``, a Redis caching decorator.

Write the decorator every service ends up with::

    @redis_cache(client, ttl=60)
    def get_user(user_id: int) -> dict: ...

It looks like ten lines. The interview is about the details those ten lines get wrong:
which calls share an entry, whether ``0`` is a hit, whether the TTL is atomic, what happens
when Redis is down. Run one part at a time: ``make test KATA=redis_cache PART=1``.

Part 1: keys and caching
------------------------
``redis_cache(client, *, ttl=300, prefix=None, serializer=None)`` returns a decorator;
the decorated function is a :class:`CachedFunction`.

- Keys are ``f"{{{prefix}}}:..."``: the prefix in braces, a hash tag, so that on Redis
  Cluster every key of one prefix lands in one hash slot (see Part 2: a hit may read the
  generation and the entry in one script). The default prefix is
  ``f"cache:{module}.{qualname}"`` of the decorated function (``func.__module__``,
  ``func.__qualname__``).
- The call is bound to the function's signature with defaults applied
  (``inspect.signature(func).bind(...)``, then ``apply_defaults()``): for
  ``def f(x=1)``, ``f(1)``, ``f(x=1)`` and ``f()`` are one call and share one entry.
  Keyword order never matters.
- The key encodes the bound arguments *canonically*: the same in every process and every
  run, so never ``hash()`` (salted per process for ``str``), ``id()`` or a default
  ``repr``. Arguments of different types never share a key: ``f(1)``, ``f("1")``,
  ``f(1.0)``, ``f(True)``, ``f([1])`` and ``f((1,))`` are six entries. ``0.0`` and
  ``-0.0`` are two arguments; ``nan`` and the infinities are valid floats.
- Encodable arguments, by exact type: ``None``, ``bool``, ``int``, ``float``, ``str``,
  and ``list``, ``tuple`` and ``dict`` with ``str`` keys, nested. A list and a tuple with
  the same items are different keys; two equal dicts are the same key whatever their
  insertion order. Anything else (``object()``, a ``set``, ``bytes``, a dict with a
  non-str key, a subclass such as an ``IntEnum``) raises ``TypeError`` naming the
  parameter and the type (for example ``argument 'user': cannot use a set in a cache
  key``) before the function runs. A call that does not bind to the signature raises
  ``TypeError`` too. (So a method's ``self`` cannot be part of a key: decorate
  functions, not methods.)
- Decision: the part after ``f"{{{prefix}}}:"`` is ``f"{generation}:{digest}"`` where
  ``digest`` is the SHA-256 hex of the canonical text: fixed length, no argument data in
  key names.
- The entry's value is exactly ``serializer.dumps(result)``; the default serializer is
  JSON (:class:`JsonSerializer`). It is written with its TTL in ONE command,
  ``SET key value PX milliseconds`` (never SET then EXPIRE: a crash in between leaves a
  key that lives forever). ``ttl`` is in seconds and may be fractional; it is rounded to
  the nearest whole millisecond, and at least 1: ``ttl=0.0016`` is ``PX 2``,
  ``ttl=0.0004`` is ``PX 1`` (Redis rejects ``PX 0``).
- Falsy results (``None``, ``0``, ``""``, ``[]``, ``False``, ``{}``) are cached and
  served as hits: a miss is "no entry", never "a falsy value".
- A hit costs at most two Redis round trips (Part 2: the generation, then the entry; one
  script reading both is one round trip, which the reference does).
- ``cache_info()`` returns ``CacheInfo(hits, misses)``: ``misses`` counts the calls that
  ran the function (including corrupt entries and fail-open calls), ``hits`` the others.
- ``cache_key(*args, **kwargs)`` returns the key such a call reads and writes now.
- Bad decorator arguments fail at once: ``ttl`` not a real number (or a ``bool``) ->
  ``TypeError``; ``ttl <= 0``, NaN or infinite -> ``ValueError``; ``prefix`` not a str
  -> ``TypeError``, empty -> ``ValueError``; a ``serializer`` without callable ``dumps``
  and ``loads`` -> ``TypeError``. Each message names the argument.

Part 2: serializers, corrupt data, invalidation
-----------------------------------------------
- A serializer is any object with ``dumps(obj) -> str | bytes`` and ``loads(data)``.
  ``loads`` receives the value as the client returns it: ``bytes`` for a
  ``decode_responses=False`` client, ``str`` for ``True`` (such a client decodes UTF-8,
  so store UTF-8 there). Never use ``pickle`` on data read from Redis: whoever can write
  the key could run code in your process.
- A result the serializer cannot encode (``dumps`` raises, or returns neither str nor
  bytes): the call raises ``TypeError`` and nothing is stored.
- Stored data the serializer cannot decode (``loads`` raises anything): a miss; the
  function runs and the entry is overwritten (with its TTL). Log a warning naming the
  function, the key and the error ``loads`` raised (an operator must be able to find
  what wrote that key).
- ``invalidate(*args, **kwargs) -> bool`` deletes the entry of that call (bound like a
  call) and returns True if an entry was removed.
- ``invalidate_all()`` forgets every entry of this prefix in O(1): it bumps a generation
  number kept in Redis under ``f"{{{prefix}}}:generation"`` (INCR; the one key without a
  TTL). The generation is part of every key, so old entries are unreachable and expire on
  their own TTL. Never ``KEYS``/``SCAN``: they are O(all keys) and block a busy server.
- The generation is read from Redis on every call (0 when absent): another process's
  ``invalidate_all()`` must be seen at once. Either one GET before the entry's, or one
  Lua script GETting both (a remembered generation is then only a guess of the entry's
  key, checked against the one the script read). Every command or script that names
  several keys must name keys of one hash slot, as Redis Cluster requires.

Part 3: fail open
-----------------
- Redis unavailable (``redis.exceptions.ConnectionError`` or ``TimeoutError``) when
  reading or writing the cache: the function runs and its result is returned; log a
  warning with ``logging.getLogger(__name__).warning`` naming the function and the Redis
  error (its type and message). A cache must never take the service down with it.
  After a failed read, do not try to write: the result is returned as is, not
  serialized. Such a call counts as a miss.
- ``invalidate``, ``invalidate_all`` and ``cache_key`` do NOT fail open: the Redis error
  propagates, because a caller that invalidates must know it did not happen.
- Any other Redis error (a ``ResponseError`` such as WRONGTYPE, when someone else's data
  sits under the key) is a bug, not an outage: it propagates, in calls too.
- Bad arguments still raise ``TypeError`` when Redis is down.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Generic, NamedTuple, ParamSpec, Protocol, TypeVar

import redis

__all__ = ["CacheInfo", "CachedFunction", "JsonSerializer", "Serializer", "redis_cache"]

logger = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

# What "Redis is unavailable" means for fail-open (Part 3).
REDIS_DOWN = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


class Serializer(Protocol):
    """Anything with these two methods can store results."""

    def dumps(self, obj: Any, /) -> str | bytes: ...

    def loads(self, data: Any, /) -> Any: ...


class JsonSerializer:
    """The default serializer: JSON text (a tuple comes back as a list)."""

    def dumps(self, obj: Any) -> str:
        """``obj`` as JSON; raises TypeError for what JSON cannot encode (a set, bytes...)."""
        raise NotImplementedError

    def loads(self, data: str | bytes) -> Any:
        """The object back from JSON text or UTF-8 bytes."""
        raise NotImplementedError


class CacheInfo(NamedTuple):
    """``cache_info()``'s result."""

    hits: int
    misses: int


class CachedFunction(Generic[P, R]):
    """What ``@redis_cache(...)`` turns a function into: call it like the function.

    It carries the function's metadata (``functools.update_wrapper``).
    """

    def __init__(
        self,
        func: Callable[P, R],
        client: redis.Redis,
        *,
        ttl_ms: int,
        prefix: str,
        serializer: Serializer,
    ) -> None:
        """Wrap ``func``; arguments were already checked by :func:`redis_cache`."""
        raise NotImplementedError

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        """The cached result of ``func(*args, **kwargs)``, or run it and cache the result.

        Part 1: bind and encode the arguments (TypeError before anything runs), GET the
        entry; a hit is any stored value, falsy or not; on a miss run the function and
        ``SET key dumps(result) PX ttl_ms``. Part 2: a value ``loads`` cannot decode is a
        miss. Part 3: ConnectionError/TimeoutError from Redis -> run the function anyway,
        log a warning.
        """
        raise NotImplementedError

    def cache_key(self, *args: P.args, **kwargs: P.kwargs) -> str:
        """The key a call with these arguments uses now (reads the generation)."""
        raise NotImplementedError

    def invalidate(self, *args: P.args, **kwargs: P.kwargs) -> bool:
        """Delete this call's entry; True if one was removed. Redis errors propagate."""
        raise NotImplementedError

    def invalidate_all(self) -> None:
        """Forget every entry of this prefix in O(1) (bump the generation); errors propagate."""
        raise NotImplementedError

    def cache_info(self) -> CacheInfo:
        """``CacheInfo(hits, misses)`` of this wrapper's calls."""
        raise NotImplementedError


def redis_cache(
    client: redis.Redis,
    *,
    ttl: float = 300,
    prefix: str | None = None,
    serializer: Serializer | None = None,
) -> Callable[[Callable[P, R]], CachedFunction[P, R]]:
    """A decorator caching the function's results in Redis for ``ttl`` seconds.

    ``client`` is a ``redis.Redis`` (or ``fakeredis.FakeRedis``) with either
    ``decode_responses``. Checks its arguments at once (see the module docstring), then
    returns ``decorate(func) -> CachedFunction``.
    """
    raise NotImplementedError
