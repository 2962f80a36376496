"""A Redis caching decorator: ``@redis_cache(client, ttl=60)``.

Reference solution; the spec is the docstring of ``katas/redis_cache.py``. In short:

- A call is bound to the function's signature (defaults applied) and encoded as canonical,
  type-tagged JSON; the key is ``f"{prefix}:{generation}:{sha256 of that text}"``.
- A hit is two commands (GET generation, GET entry); a miss adds one ``SET key value PX ttl``.
- ``invalidate_all()`` is one INCR of the generation: old entries become unreachable and
  expire on their own TTL.
- Redis unavailable: the function runs anyway and a warning is logged (fail open);
  invalidations raise, since silently keeping stale data is the worse failure.
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
from typing import Any, Final, Generic, Literal, NamedTuple, ParamSpec, Protocol, TypeVar

import redis

__all__ = ["CacheInfo", "CachedFunction", "JsonSerializer", "Serializer", "redis_cache"]

logger = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

# What "Redis is unavailable" means; any other Redis error is a bug and propagates.
REDIS_DOWN = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)

_SCALARS = (type(None), bool, int, float, str)


class _Miss(enum.Enum):
    MISS = enum.auto()


_MISS: Final = _Miss.MISS  # what a read returns when there is no usable entry


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


def _encode(value: object, name: str) -> object:
    """A JSON image of ``value`` that keeps its type.

    JSON already tells the scalars apart (``null``, ``true``, ``1``, ``1.0``, ``"1"``);
    only the two sequence types share a JSON form, so every array carries a tag.
    Exact types only: a subclass (an IntEnum, a namedtuple) would lose its identity.
    """
    if type(value) in _SCALARS:
        return value
    if type(value) is list:
        return ["list", *(_encode(item, name) for item in value)]
    if type(value) is tuple:
        return ["tuple", *(_encode(item, name) for item in value)]
    if type(value) is dict:
        if not all(type(k) is str for k in value):
            raise TypeError(f"argument {name!r}: a dict in a cache key needs str keys")
        return {k: _encode(v, name) for k, v in value.items()}
    raise TypeError(
        f"argument {name!r}: cannot use a {type(value).__name__} in a cache key "
        "(None, bool, int, float, str, and lists, tuples and str-keyed dicts of them)"
    )


class CachedFunction(Generic[P, R]):
    """The wrapper ``redis_cache`` returns: call it like the function it wraps."""

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
        self._func = func
        self._signature = inspect.signature(func)
        self._client = client
        self._ttl_ms = ttl_ms
        self._prefix = prefix
        self._generation_key = f"{prefix}:generation"
        self._serializer = serializer
        self._lock = threading.Lock()  # guards the two counters only
        self._hits = 0
        self._misses = 0

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        digest = self._digest(args, kwargs)  # TypeError before anything runs
        key: str | None = None
        try:
            key = self._entry_key(digest)
            cached = self._read(key)
        except REDIS_DOWN as exc:
            key, cached = None, _MISS  # None: do not wait for a dead server a second time
            self._fail_open(exc, "cache read failed, calling through")
        if cached is not _MISS:
            self._count(hit=True)
            return cached
        self._count(hit=False)
        result = self._func(*args, **kwargs)
        if key is not None:
            payload = self._dumps(result)
            try:
                self._write(key, payload)
            except REDIS_DOWN as exc:
                self._fail_open(exc, "cache write failed")
        return result

    def cache_key(self, *args: P.args, **kwargs: P.kwargs) -> str:
        """The key a call with these arguments reads and writes now."""
        return self._entry_key(self._digest(args, kwargs))

    def invalidate(self, *args: P.args, **kwargs: P.kwargs) -> bool:
        """Delete the entry for these arguments; True if there was one."""
        return bool(self._client.delete(self.cache_key(*args, **kwargs)))

    def invalidate_all(self) -> None:
        """Forget every entry at once by moving to the next generation."""
        self._client.incr(self._generation_key)

    def cache_info(self) -> CacheInfo:
        with self._lock:
            return CacheInfo(self._hits, self._misses)

    @property
    def _name(self) -> str:
        return self._func.__qualname__

    def _digest(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
        bound = self._signature.bind(*args, **kwargs)
        bound.apply_defaults()
        canonical = {name: _encode(value, name) for name, value in bound.arguments.items()}
        text = json.dumps(canonical, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    def _entry_key(self, digest: str) -> str:
        raw = self._client.get(self._generation_key)
        generation = 0 if raw is None else int(raw)
        return f"{self._prefix}:{generation}:{digest}"

    def _read(self, key: str) -> R | Literal[_Miss.MISS]:
        """The cached result under ``key``, or ``_MISS``: no entry, or one ``loads`` rejects."""
        data = self._client.get(key)
        if data is None:  # only nil is a miss: b"", b"0" and b"null" are entries
            return _MISS
        try:
            value: R = self._serializer.loads(data)
        except Exception as exc:  # whatever loads() raises, the entry is unusable
            logger.warning("%s: undecodable entry %s is recomputed: %r", self._name, key, exc)
            return _MISS
        return value

    def _write(self, key: str, payload: str | bytes) -> None:
        """One ``SET ... PX``: the entry exists with its TTL or not at all."""
        self._client.set(key, payload, px=self._ttl_ms)

    def _fail_open(self, exc: Exception, what: str) -> None:
        """Redis is unreachable: say so, and carry on without the cache."""
        logger.warning("%s: %s: %r", self._name, what, exc)

    def _dumps(self, result: R) -> str | bytes:
        try:
            payload = self._serializer.dumps(result)
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
        return f"<redis_cache {self._prefix!r} of {self._func!r}>"


def redis_cache(
    client: redis.Redis,
    *,
    ttl: float = 300,
    prefix: str | None = None,
    serializer: Serializer | None = None,
) -> Callable[[Callable[P, R]], CachedFunction[P, R]]:
    """Cache the decorated function's results in Redis for ``ttl`` seconds."""
    return _decorator(CachedFunction, client, ttl=ttl, prefix=prefix, serializer=serializer)


def _decorator(
    wrapper: type[CachedFunction[Any, Any]],
    client: redis.Redis,
    *,
    ttl: float = 300,
    prefix: str | None = None,
    serializer: Serializer | None = None,
) -> Callable[[Callable[P, R]], CachedFunction[P, R]]:
    """``redis_cache`` with ``wrapper`` (``CachedFunction`` or a subclass) as the wrapper."""
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
    ttl_ms = max(1, round(ttl * 1000))  # PX takes whole milliseconds
    chosen = serializer if serializer is not None else JsonSerializer()

    def decorate(func: Callable[P, R]) -> CachedFunction[P, R]:
        name = prefix if prefix is not None else f"cache:{func.__module__}.{func.__qualname__}"
        return wrapper(func, client, ttl_ms=ttl_ms, prefix=name, serializer=chosen)

    return decorate
