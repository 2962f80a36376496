"""A first attempt: binds the call, keys on the JSON of the bound arguments.

Written from the stub alone, as a candidate would on a first try. Its mistakes:

- the key is plain ``json.dumps`` of the arguments: a list and a tuple are both a JSON
  array, so ``f([1])`` and ``f((1,))`` share an entry;
- ``default=repr`` makes any argument "encodable", so ``f(object())`` runs (keyed on a
  memory address) instead of raising TypeError;
- the TTL is written with SETEX in whole seconds (``ttl=0.25`` lives a second);
- only the read fails open, and silently; a failed write raises ConnectionError.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
import logging
import math
import threading
from collections.abc import Callable
from typing import Any, Generic, NamedTuple, ParamSpec, Protocol, TypeVar

import redis

__all__ = ["CacheInfo", "CachedFunction", "JsonSerializer", "Serializer", "redis_cache"]

logger = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")


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


class CachedFunction(Generic[P, R]):
    def __init__(self, func, client, *, ttl_ms, prefix, serializer):
        functools.update_wrapper(self, func)
        self.func = func
        self.sig = inspect.signature(func)
        self.client = client
        self.ttl_ms = ttl_ms
        self.prefix = prefix
        self.serializer = serializer
        self.hits = 0
        self.misses = 0
        self.lock = threading.Lock()

    def _args_hash(self, args, kwargs):
        bound = self.sig.bind(*args, **kwargs)
        bound.apply_defaults()
        text = json.dumps(bound.arguments, sort_keys=True, default=repr)
        return hashlib.sha256(text.encode()).hexdigest()

    def _generation(self):
        gen = self.client.get("{" + self.prefix + "}:generation")
        return int(gen) if gen is not None else 0

    def _key(self, args, kwargs):
        h = self._args_hash(args, kwargs)
        return f"{{{self.prefix}}}:{self._generation()}:{h}"

    def __call__(self, *args, **kwargs):
        h = self._args_hash(args, kwargs)
        try:
            key = f"{{{self.prefix}}}:{self._generation()}:{h}"
            data = self.client.get(key)
        except redis.ConnectionError:
            with self.lock:
                self.misses += 1
            return self.func(*args, **kwargs)
        if data is not None:
            try:
                value = self.serializer.loads(data)
            except Exception:
                logger.warning("corrupt cache entry %s", key)
            else:
                with self.lock:
                    self.hits += 1
                return value
        with self.lock:
            self.misses += 1
        result = self.func(*args, **kwargs)
        try:
            payload = self.serializer.dumps(result)
        except Exception as e:
            raise TypeError(f"cannot serialize result: {e}") from e
        if not isinstance(payload, (str, bytes)):
            raise TypeError("serializer.dumps must return str or bytes")
        seconds = max(1, math.ceil(self.ttl_ms / 1000))
        self.client.setex(key, seconds, payload)
        return result

    def cache_key(self, *args, **kwargs):
        return self._key(args, kwargs)

    def invalidate(self, *args, **kwargs):
        return self.client.delete(self._key(args, kwargs)) == 1

    def invalidate_all(self):
        self.client.incr("{" + self.prefix + "}:generation")

    def cache_info(self):
        with self.lock:
            return CacheInfo(self.hits, self.misses)


def redis_cache(client, *, ttl=300, prefix=None, serializer=None):
    if isinstance(ttl, bool) or not isinstance(ttl, (int, float)):
        raise TypeError("ttl must be a number")
    if math.isnan(ttl) or math.isinf(ttl) or ttl <= 0:
        raise ValueError("ttl must be positive and finite")
    if prefix is not None:
        if not isinstance(prefix, str):
            raise TypeError("prefix must be a str")
        if not prefix:
            raise ValueError("prefix must not be empty")
    if serializer is None:
        serializer = JsonSerializer()
    elif not (callable(getattr(serializer, "dumps", None))
              and callable(getattr(serializer, "loads", None))):
        raise TypeError("serializer needs dumps and loads")
    ttl_ms = max(1, round(ttl * 1000))

    def decorate(func):
        p = prefix or f"cache:{func.__module__}.{func.__qualname__}"
        return CachedFunction(func, client, ttl_ms=ttl_ms, prefix=p, serializer=serializer)

    return decorate


# The first failure a learner sees, checked by make verify:
KILLED_BY = "TestPart1Keys::test_type_distinct_arguments_never_collide"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"f\(\[1\]\) and f\(\(1,\)\) got the same key"
LOOKS_LIKE = ("list_tuple_collide",)
