"""A first attempt: the key is a hash of repr((args, sorted kwargs)), the quick way.

Written from the stub alone, as a candidate would on a first try. Its mistakes:

- the call is not bound to the signature: ``f(1)``, ``f(x=1)`` and ``f()`` (default
  ``x=1``) are three entries;
- ``repr`` accepts anything, so ``f(object())`` is keyed on a memory address instead of
  raising TypeError;
- ``if cached:`` on the decoded value: a cached ``0``, ``""``, ``[]`` is recomputed;
- the entry is written with SET, then given its TTL with EXPIRE (two commands).
"""

import functools
import hashlib
import json
import logging
import math
import threading
from typing import Any, NamedTuple, Protocol

import redis

__all__ = ["CacheInfo", "CachedFunction", "JsonSerializer", "Serializer", "redis_cache"]

log = logging.getLogger(__name__)

REDIS_DOWN = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


class Serializer(Protocol):
    def dumps(self, obj: Any, /) -> "str | bytes": ...

    def loads(self, data: Any, /) -> Any: ...


class JsonSerializer:
    def dumps(self, obj):
        return json.dumps(obj)

    def loads(self, data):
        if isinstance(data, bytes):
            data = data.decode("utf-8")
        return json.loads(data)


class CacheInfo(NamedTuple):
    hits: int
    misses: int


class CachedFunction:
    def __init__(self, func, client, *, ttl_ms, prefix, serializer):
        functools.update_wrapper(self, func)
        self._func = func
        self._r = client
        self._ttl_ms = ttl_ms
        self._prefix = prefix
        self._ser = serializer
        self._info = [0, 0]
        self._mutex = threading.Lock()

    def _count(self, i):
        with self._mutex:
            self._info[i] += 1

    def cache_key(self, *args, **kwargs):
        raw = repr((args, sorted(kwargs.items())))
        digest = hashlib.sha256(raw.encode()).hexdigest()
        gen = self._r.get(f"{{{self._prefix}}}:generation") or 0
        return f"{{{self._prefix}}}:{int(gen)}:{digest}"

    def __call__(self, *args, **kwargs):
        try:
            key = self.cache_key(*args, **kwargs)
            cached = self._r.get(key)
        except REDIS_DOWN as e:
            log.warning("redis down, calling %s directly: %s", self._func.__name__, e)
            self._count(1)
            return self._func(*args, **kwargs)
        if cached:
            try:
                value = self._ser.loads(cached)
            except Exception:
                value = None
            if value:
                self._count(0)
                return value
        self._count(1)
        result = self._func(*args, **kwargs)
        try:
            data = self._ser.dumps(result)
        except Exception as e:
            raise TypeError(str(e))
        if not isinstance(data, (str, bytes)):
            raise TypeError("dumps() must return str or bytes")
        try:
            self._r.set(key, data)
            self._r.pexpire(key, self._ttl_ms)
        except REDIS_DOWN as e:
            log.warning("could not write the cache: %s", e)
        return result

    def invalidate(self, *args, **kwargs):
        return bool(self._r.delete(self.cache_key(*args, **kwargs)))

    def invalidate_all(self):
        self._r.incr(f"{{{self._prefix}}}:generation")

    def cache_info(self):
        with self._mutex:
            return CacheInfo(*self._info)


def redis_cache(client, *, ttl=300, prefix=None, serializer=None):
    if type(ttl) not in (int, float):
        raise TypeError(f"ttl must be int or float, got {type(ttl).__name__}")
    if not math.isfinite(ttl) or ttl <= 0:
        raise ValueError(f"ttl must be > 0, got {ttl}")
    if prefix is not None and not isinstance(prefix, str):
        raise TypeError("prefix must be a string")
    if prefix == "":
        raise ValueError("prefix must not be empty")
    if serializer is None:
        serializer = JsonSerializer()
    for method in ("dumps", "loads"):
        if not callable(getattr(serializer, method, None)):
            raise TypeError(f"serializer has no callable {method}()")

    def decorator(func):
        p = prefix if prefix else f"cache:{func.__module__}.{func.__qualname__}"
        return CachedFunction(func, client, ttl_ms=max(1, round(ttl * 1000)), prefix=p,
                              serializer=serializer)

    return decorator


# The first failure a learner sees, checked by make verify:
KILLED_BY = "TestPart1Keys::test_arguments_are_bound_with_defaults"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"are the same call of f\(x=1, y='d'\) and must share one entry"
LOOKS_LIKE = ("kwargs_not_bound", "str_args_key")
