"""A Redis caching decorator: ``@redis_cache(client, ttl=60)``.

Reference solution; the spec is the docstring of ``katas/redis_cache.py``. In short:

- A call is bound to the function's signature (defaults applied) and encoded as canonical,
  type-tagged JSON; the key is ``f"{{{prefix}}}:{generation}:{sha256 of that text}"``, the
  prefix in a hash tag so that the generation and every entry share one cluster slot.
- A hit is ONE round trip: a one-line script GETs the generation and the entry, the entry
  under the generation this wrapper saw last; only when the generation moved since (an
  ``invalidate_all()`` anywhere) does a second GET read the entry of the current one.
  A miss adds one ``SET key value PX ttl``.
- ``invalidate_all()`` is one INCR of the generation: old entries become unreachable and
  expire on their own TTL.
- Redis unavailable: the function runs anyway and a warning is logged (fail open);
  invalidations raise, since silently keeping stale data is the worse failure.

Extension points
----------------
``CachedFunction`` does its work in named steps, public so that a subclass (each entry of
the bug gallery is one) can replace one step and keep the rest. They are this module's
own, not part of the kata's contract.

The key of a call, in the order the steps run:

- ``bind(args, kwargs)``: the call's arguments by parameter name, defaults applied.
- ``encode(value, name)``: a JSON image of one argument that keeps its exact type.
- ``canonical_text(encoded)``: the encoded arguments as one text, the same for equal calls.
- ``digest(text)``: the fixed-length hash of that text that goes into the key.
- ``key_of(generation, digest)``: ``f"{{{prefix}}}:{generation}:{digest}"``.
- ``entry_key(digest)``: ``key_of`` under the generation read from Redis now.

The entry:

- ``fetch(digest)``: the current key of ``digest`` and the data stored there (or None),
  read with the generation in one round trip (``READ_SCRIPT``) when the generation has not
  moved.
- ``decode_entry(key, data)``: the cached result in ``data``, or ``MISS`` (no usable entry).
- ``on_corrupt_entry(key, exc)``: ``loads`` rejected the entry; the call goes on as a miss.
- ``write_entry(key, payload)``: store the serialized result with its TTL, atomically.
- ``outage_errors``: the exceptions that mean "Redis is unavailable"; only these fail open.
- ``on_redis_down(exc, doing)``: Redis was unreachable; the call goes on without the cache.

Building: ``CachedFunction.decorator(client, ...)`` is ``redis_cache`` building instances
of the class it is called on; ``ttl_milliseconds(ttl)`` turns its ``ttl`` into PX's whole
milliseconds, and ``default_serializer`` makes the serializer used when none is given.
Attributes a step may read: ``client``, ``prefix``, ``read_script``, ``generation_key`` (a property,
``f"{{{prefix}}}:generation"``), ``last_generation`` (the generation this wrapper saw
last: a guess, never trusted without reading the generation), ``ttl_ms``, ``serializer``.
"""

from __future__ import annotations

import enum
import functools
import hashlib
import inspect
import json
import logging
import math
import threading
from collections.abc import Callable
from typing import Any, ClassVar, Final, Generic, Literal, NamedTuple, ParamSpec, Protocol, TypeVar

import redis

__all__ = ["CacheInfo", "CachedFunction", "JsonSerializer", "Serializer", "redis_cache"]

logger = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")
P2 = ParamSpec("P2")
R2 = TypeVar("R2")

# What "Redis is unavailable" means; any other Redis error is a bug and propagates.
REDIS_DOWN = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)

_SCALARS = (type(None), bool, int, float, str)


class Miss(enum.Enum):
    MISS = enum.auto()


MISS: Final = Miss.MISS  # what decode_entry returns when there is no usable entry


class Serializer(Protocol):
    def dumps(self, obj: Any, /) -> str | bytes: ...

    def loads(self, data: Any, /) -> Any: ...


class JsonSerializer:
    """The default serializer: compact JSON (tuples come back as lists)."""

    def dumps(self, obj: Any) -> str:
        return json.dumps(obj, separators=(",", ":"))

    def loads(self, data: str | bytes) -> Any:
        return json.loads(data)


class CacheInfo(NamedTuple):
    hits: int
    misses: int


# The generation and an entry in one round trip. Not MGET: MGET answers nil for a key of
# another type, where GET raises WRONGTYPE (someone else's data is a bug, not a miss).
READ_GENERATION_AND_ENTRY = """
return {redis.call('GET', KEYS[1]), redis.call('GET', KEYS[2])}
"""


class CachedFunction(Generic[P, R]):
    """The wrapper ``redis_cache`` returns: call it like the function it wraps."""

    # KEYS: the generation key, an entry key (one hash slot). Returns both values (nil: none).
    READ_SCRIPT: ClassVar[str] = READ_GENERATION_AND_ENTRY

    # The serializer of a decorator given none (called once per decorator).
    default_serializer: ClassVar[Callable[[], Serializer]] = JsonSerializer
    # What "Redis is unavailable" means: a call fails open on these, and only these.
    outage_errors: ClassVar[tuple[type[Exception], ...]] = REDIS_DOWN

    def __init__(
        self,
        func: Callable[P, R],
        client: redis.Redis,
        *,
        ttl_ms: int,
        prefix: str,
        serializer: Serializer,
    ) -> None:
        functools.update_wrapper(self, func)
        self.client = client
        self.prefix = prefix
        self.last_generation = 0
        self.read_script = client.register_script(self.READ_SCRIPT)
        self.ttl_ms = ttl_ms
        self.serializer = serializer
        self._func = func
        self._signature = inspect.signature(func)
        self._lock = threading.Lock()  # guards the two counters only
        self._hits = 0
        self._misses = 0

    @classmethod
    def decorator(
        cls: type[CachedFunction[Any, Any]],
        client: redis.Redis,
        *,
        ttl: float = 300,
        prefix: str | None = None,
        serializer: Serializer | None = None,
    ) -> Callable[[Callable[P2, R2]], CachedFunction[P2, R2]]:
        """Cache the decorated function's results in Redis for ``ttl`` seconds:
        ``redis_cache(client, ...)``, wrapping functions in ``cls``. Checks the arguments at
        once, then returns ``decorate(func) -> cls``."""
        if isinstance(ttl, bool) or not isinstance(ttl, (int, float)):
            raise TypeError(f"ttl must be a number of seconds, not {type(ttl).__name__}")
        if not (math.isfinite(ttl) and ttl > 0):
            raise ValueError(f"ttl must be a finite number of seconds > 0, not {ttl!r}")
        if prefix is not None and not isinstance(prefix, str):
            raise TypeError(f"prefix must be a str or None, not {type(prefix).__name__}")
        if prefix == "":
            raise ValueError("prefix must not be empty")
        if serializer is not None and not all(
            callable(getattr(serializer, method, None)) for method in ("dumps", "loads")
        ):
            raise TypeError("serializer must have callable dumps() and loads() methods")
        ttl_ms = cls.ttl_milliseconds(ttl)
        chosen = serializer if serializer is not None else cls.default_serializer()

        def decorate(func: Callable[P2, R2]) -> CachedFunction[P2, R2]:
            name = prefix if prefix is not None else f"cache:{func.__module__}.{func.__qualname__}"
            return cls(func, client, ttl_ms=ttl_ms, prefix=name, serializer=chosen)

        return decorate

    @staticmethod
    def ttl_milliseconds(ttl: float) -> int:
        """``ttl`` seconds as PX's whole milliseconds: the nearest, and at least 1 (Redis
        rejects ``PX 0``)."""
        return max(1, round(ttl * 1000))

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        digest = self._call_digest(args, kwargs)  # TypeError before anything runs
        key: str | None
        try:
            key, data = self.fetch(digest)
            cached = MISS if data is None else self.decode_entry(key, data)
        except self.outage_errors as exc:
            key, cached = None, MISS  # None: do not wait for a dead server a second time
            self.on_redis_down(exc, "reading the cache, calling through")
        if cached is not MISS:
            self._count(hit=True)
            return cached
        self._count(hit=False)
        result = self._func(*args, **kwargs)
        if key is not None:
            payload = self._serialize(result)
            try:
                self.write_entry(key, payload)
            except self.outage_errors as exc:
                self.on_redis_down(exc, "writing the cache")
        return result

    def cache_key(self, *args: P.args, **kwargs: P.kwargs) -> str:
        """The key a call with these arguments reads and writes now."""
        return self.entry_key(self._call_digest(args, kwargs))

    def invalidate(self, *args: P.args, **kwargs: P.kwargs) -> bool:
        """Delete the entry for these arguments; True if there was one."""
        return bool(self.client.delete(self.cache_key(*args, **kwargs)))

    def invalidate_all(self) -> None:
        """Forget every entry at once by moving to the next generation."""
        self.last_generation = int(self.client.incr(self.generation_key))

    def cache_info(self) -> CacheInfo:
        with self._lock:
            return CacheInfo(self._hits, self._misses)

    # ---------------------------------------------------------------- the key, step by step

    def bind(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        """The call's arguments by parameter name, defaults applied: ``f(1)``, ``f(x=1)``
        and ``f()`` (default ``x=1``) give the same. TypeError if the call does not bind."""
        bound = self._signature.bind(*args, **kwargs)
        bound.apply_defaults()
        return bound.arguments

    def encode(self, value: object, name: str) -> object:
        """A JSON image of ``value`` that keeps its type; TypeError naming ``name`` for a
        value that has no canonical form.

        JSON already tells the scalars apart (``null``, ``true``, ``1``, ``1.0``, ``"1"``);
        only the two sequence types share a JSON form, so every array carries a tag.
        Exact types only: a subclass (an IntEnum, a namedtuple) would lose its identity.
        """
        if type(value) in _SCALARS:
            return value
        if type(value) is list:
            return ["list", *(self.encode(item, name) for item in value)]
        if type(value) is tuple:
            return ["tuple", *(self.encode(item, name) for item in value)]
        if type(value) is dict:
            if not all(type(k) is str for k in value):
                raise TypeError(f"argument {name!r}: a dict in a cache key needs str keys")
            return {k: self.encode(v, name) for k, v in value.items()}
        raise TypeError(
            f"argument {name!r}: cannot use a {type(value).__name__} in a cache key "
            "(None, bool, int, float, str, and lists, tuples and str-keyed dicts of them)"
        )

    def canonical_text(self, encoded: dict[str, object]) -> str:
        """The encoded arguments as compact JSON with sorted keys: equal dicts give equal
        text whatever their insertion order."""
        return json.dumps(encoded, sort_keys=True, separators=(",", ":"))

    def digest(self, text: str) -> str:
        """SHA-256 hex of ``text``: fixed length, the same in every process."""
        return hashlib.sha256(text.encode()).hexdigest()

    @property
    def generation_key(self) -> str:
        """Where the generation lives; the hash tag ``{prefix}`` puts it in the entries'
        cluster slot, so that one script can read both."""
        return f"{{{self.prefix}}}:generation"

    def key_of(self, generation: int, digest: str) -> str:
        """The key of ``digest`` in ``generation``: the generation key's hash tag first."""
        return f"{{{self.prefix}}}:{generation}:{digest}"

    def entry_key(self, digest: str) -> str:
        """The key of ``digest`` under the generation stored in Redis now (absent: 0)."""
        return self.key_of(as_generation(self.client.get(self.generation_key)), digest)

    # ---------------------------------------------------------------- the entry

    def fetch(self, digest: str) -> tuple[str, Any]:
        """The current key of ``digest`` and the data under it (None: no entry).

        One round trip when the generation has not moved since this wrapper last saw it:
        ``READ_SCRIPT`` reads the generation and the entry under that guess atomically, and
        a guess that matches is the current key. Otherwise the entry is read again, under
        the generation just read (and remembered for the next call)."""
        guess = self.last_generation
        key = self.key_of(guess, digest)
        stored, data = self.read_script(keys=[self.generation_key, key])
        generation = as_generation(stored)
        if generation != guess:  # invalidated since (or first call): read the current entry
            self.last_generation = generation
            key = self.key_of(generation, digest)
            data = self.client.get(key)
        return key, data

    def decode_entry(self, key: str, data: Any) -> R | Literal[Miss.MISS]:
        """The cached result in ``data`` (what the client read under ``key``, never None:
        ``b""``, ``b"0"`` and ``b"null"`` are entries), or ``MISS`` when ``loads`` rejects
        it (then ``on_corrupt_entry`` is told, and the call recomputes and overwrites it)."""
        try:
            value: R = self.serializer.loads(data)
        except Exception as exc:  # whatever loads() raises, the entry is unusable
            self.on_corrupt_entry(key, exc)
            return MISS
        return value

    def on_corrupt_entry(self, key: str, exc: Exception) -> None:
        """``loads`` rejected the entry under ``key`` (``exc``): say so; the call goes on as
        a miss, and its result overwrites the entry."""
        logger.warning("%s: undecodable entry %s is recomputed: %r", self._name, key, exc)

    def write_entry(self, key: str, payload: str | bytes) -> None:
        """One ``SET key payload PX ttl_ms``: the entry exists with its TTL or not at all."""
        self.client.set(key, payload, px=self.ttl_ms)

    def on_redis_down(self, exc: Exception, doing: str) -> None:
        """Redis was unreachable while ``doing``: say so; the call goes on without the cache
        (a cache must not take the service down with it)."""
        # Not %r: redis-py's errors show only their category there ("network:ConnectionError").
        logger.warning("%s: Redis unavailable %s: %s: %s", self._name, doing,
                       type(exc).__name__, exc)

    # ---------------------------------------------------------------- internals

    @property
    def _name(self) -> str:
        return self._func.__qualname__

    def _call_digest(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
        arguments = self.bind(args, kwargs)
        encoded = {name: self.encode(value, name) for name, value in arguments.items()}
        return self.digest(self.canonical_text(encoded))

    def _serialize(self, result: R) -> str | bytes:
        try:
            payload = self.serializer.dumps(result)
        except Exception as exc:
            raise TypeError(
                f"{self._name}() returned a {type(result).__name__} that the serializer "
                f"cannot encode: {exc}"
            ) from exc
        if not isinstance(payload, (str, bytes)):
            kind = type(payload).__name__
            raise TypeError(f"serializer.dumps() returned a {kind}, not str or bytes")
        return payload

    def _count(self, *, hit: bool) -> None:
        with self._lock:
            if hit:
                self._hits += 1
            else:
                self._misses += 1

    def __repr__(self) -> str:
        return f"<redis_cache {self.prefix!r} of {self._func!r}>"


def as_generation(stored: str | bytes | None) -> int:
    """The generation as stored (absent: 0)."""
    return 0 if stored is None else int(stored)


# The decorator itself: CachedFunction.decorator, whose defaults are the only ones. (A
# subclass's decorator builds that subclass, as each entry of the bug gallery does.)
redis_cache = CachedFunction.decorator
