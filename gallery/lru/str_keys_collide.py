"""Bug: the cache key is built with str(), so f(1) and f("1") share one entry.

The article's `str(args) + str(kwargs)` idea in another form: different arguments that
print alike get each other's results, and unhashable arguments are silently accepted.
"""

from __future__ import annotations

from collections.abc import Hashable
from types import FunctionType
from typing import Any

from solutions import lru as reference
from solutions.lru import CacheInfo, LRUCache

__all__ = ["CacheInfo", "LRUCache", "lru_cache"]

# Every call's key comes from _make_key (no lone int or str used as its own key).
_SELF_KEYED: frozenset[type] = frozenset()


def _make_key(args: tuple[Any, ...], kwds: dict[str, Any], typed: bool) -> Hashable:
    # BUG: str() forgets types: 1 and "1" (and None and "None") print the same. Correct:
    # a tuple of the arguments themselves, as in the reference.
    key = ",".join(str(a) for a in args)
    if kwds:
        key += ";" + ",".join(f"{k}={v}" for k, v in kwds.items())
    if typed:
        key += ";" + ",".join(type(v).__name__ for v in (*args, *kwds.values()))
    return key


# The rest is the reference's lru_cache and _wrap, their code unchanged, re-created over a
# copy of the reference's globals in which _make_key and _SELF_KEYED are the ones above.
def _rebuilt(function: Any, names: dict[str, Any]) -> Any:
    return FunctionType(function.__code__, names, function.__name__, function.__defaults__)


_names = {**vars(reference), "_make_key": _make_key, "_SELF_KEYED": _SELF_KEYED}
_names["_wrap"] = _rebuilt(reference._wrap, _names)
lru_cache = _names["lru_cache"] = _rebuilt(reference.lru_cache, _names)
