"""Bug: keyword arguments are sorted into the key, so f(a=1, b=2) and f(b=2, a=1) share an
entry.

It looks like an improvement, but functools keeps them apart (sorting costs time on every
call), so cache_info() no longer matches functools for the same calls.
"""

from __future__ import annotations

from collections.abc import Hashable
from types import FunctionType
from typing import Any

from solutions import lru as reference
from solutions.lru import _KEYWORDS_FOLLOW, _SELF_KEYED, CacheInfo, LRUCache

__all__ = ["CacheInfo", "LRUCache", "lru_cache"]


def _make_key(args: tuple[Any, ...], kwds: dict[str, Any], typed: bool) -> Hashable:
    if not kwds and not typed and len(args) == 1 and type(args[0]) in _SELF_KEYED:
        scalar: Hashable = args[0]
        return scalar
    parts = list(args)
    if kwds:
        parts.append(_KEYWORDS_FOLLOW)
        # BUG: functools keeps the call's order. Correct: for name, value in kwds.items():
        for name, value in sorted(kwds.items()):
            parts += (name, value)
    if typed:
        parts += [type(value) for value in args]
        parts += [type(value) for value in kwds.values()]
    return tuple(parts)


# The rest is the reference's lru_cache and _wrap, their code unchanged, re-created over a
# copy of the reference's globals in which _make_key is the one above.
def _rebuilt(function: Any, names: dict[str, Any]) -> Any:
    return FunctionType(function.__code__, names, function.__name__, function.__defaults__)


_names = {**vars(reference), "_make_key": _make_key}
_names["_wrap"] = _rebuilt(reference._wrap, _names)
lru_cache = _names["lru_cache"] = _rebuilt(reference.lru_cache, _names)
