"""A first attempt: careful type-tagged keys, but a cached None reads as a miss.

Written from the stub alone, as a candidate would on a first try. Its mistakes:

- ``if value is not None: return value`` after decoding: a function that returns ``None``
  runs on every call (a cached None is a hit);
- an entry ``loads`` cannot decode raises instead of being a miss;
- ``invalidate_all`` SCANs the prefix and deletes what it finds: O(all keys);
- every ``RedisError`` is swallowed, in ``invalidate`` too: a failed invalidation reports
  "nothing to remove" instead of raising.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
import logging
import math
import threading
from typing import Any, NamedTuple, Protocol

import redis

__all__ = ["CacheInfo", "CachedFunction", "JsonSerializer", "Serializer", "redis_cache"]

logger = logging.getLogger(__name__)

_PLAIN = (type(None), bool, int, float, str)


class Serializer(Protocol):
    def dumps(self, obj: Any, /) -> str | bytes: ...

    def loads(self, data: Any, /) -> Any: ...


class JsonSerializer:
    def dumps(self, obj: Any) -> str:
        return json.dumps(obj)

    def loads(self, data: str | bytes) -> Any:
        return json.loads(data)


class CacheInfo(NamedTuple):
    hits: int
    misses: int


def _canon(value: Any, param: str) -> Any:
    t = type(value)
    if t in _PLAIN:
        return [t.__name__, value]
    if t is list or t is tuple:
        return [t.__name__, [_canon(v, param) for v in value]]
    if t is dict:
        for k in value:
            if type(k) is not str:
                raise TypeError(f"argument {param!r}: dict keys must be str")
        return ["dict", [[k, _canon(value[k], param)] for k in sorted(value)]]
    raise TypeError(f"argument {param!r}: cannot use a {t.__name__} in a cache key")


class CachedFunction:
    def __init__(self, func, client, *, ttl_ms, prefix, serializer):
        functools.update_wrapper(self, func)
        self.func = func
        self.signature = inspect.signature(func)
        self.client = client
        self.ttl_ms = ttl_ms
        self.prefix = prefix
        self.serializer = serializer
        self.gen_key = f"{{{prefix}}}:generation"
        self._lock = threading.Lock()
        self._hits = self._misses = 0

    def _digest(self, args, kwargs):
        bound = self.signature.bind(*args, **kwargs)
        bound.apply_defaults()
        canon = {name: _canon(v, name) for name, v in bound.arguments.items()}
        text = json.dumps(canon, sort_keys=True)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def _key_for(self, digest):
        gen = self.client.get(self.gen_key)
        return f"{{{self.prefix}}}:{int(gen or 0)}:{digest}"

    def __call__(self, *args, **kwargs):
        digest = self._digest(args, kwargs)
        key = None
        value = None
        try:
            key = self._key_for(digest)
            data = self.client.get(key)
            if data is not None:
                value = self.serializer.loads(data)
        except redis.RedisError as exc:
            logger.warning("cache read failed: %s", exc)
        if value is not None:
            with self._lock:
                self._hits += 1
            return value
        with self._lock:
            self._misses += 1
        result = self.func(*args, **kwargs)
        if key is None:
            return result
        try:
            payload = self.serializer.dumps(result)
        except Exception as exc:
            raise TypeError(f"result not serializable: {exc}") from exc
        if not isinstance(payload, (str, bytes)):
            raise TypeError("serializer.dumps() must return str or bytes")
        try:
            self.client.set(key, payload, px=self.ttl_ms)
        except redis.RedisError as exc:
            logger.warning("cache write failed: %s", exc)
        return result

    def cache_key(self, *args, **kwargs):
        return self._key_for(self._digest(args, kwargs))

    def invalidate(self, *args, **kwargs):
        try:
            return self.client.delete(self.cache_key(*args, **kwargs)) > 0
        except redis.RedisError:
            logger.warning("invalidate failed")
            return False

    def invalidate_all(self):
        keys = list(self.client.scan_iter(match=f"{{{self.prefix}}}:*"))
        keys = [k for k in keys if (k.decode() if isinstance(k, bytes) else k) != self.gen_key]
        if keys:
            self.client.delete(*keys)

    def cache_info(self):
        with self._lock:
            return CacheInfo(self._hits, self._misses)


def redis_cache(client, *, ttl=300, prefix=None, serializer=None):
    if isinstance(ttl, bool) or not isinstance(ttl, (int, float)):
        raise TypeError(f"ttl must be a number, not {type(ttl).__name__}")
    if not math.isfinite(ttl) or ttl <= 0:
        raise ValueError(f"ttl must be positive and finite, not {ttl}")
    if prefix is not None and not isinstance(prefix, str):
        raise TypeError("prefix must be a str")
    if prefix == "":
        raise ValueError("prefix must not be empty")
    if serializer is not None:
        if not (callable(getattr(serializer, "dumps", None))
                and callable(getattr(serializer, "loads", None))):
            raise TypeError("serializer must have dumps() and loads()")
    else:
        serializer = JsonSerializer()
    ttl_ms = max(1, round(ttl * 1000))

    def wrap(func):
        name = prefix if prefix is not None else f"cache:{func.__module__}.{func.__qualname__}"
        return CachedFunction(func, client, ttl_ms=ttl_ms, prefix=name, serializer=serializer)

    return wrap


# The first failure a learner sees, checked by make verify:
KILLED_BY = "TestPart1Caching::test_falsy_results_are_cached"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"a cached None was treated as a miss and recomputed"
LOOKS_LIKE = ("falsy_result_is_miss",)
