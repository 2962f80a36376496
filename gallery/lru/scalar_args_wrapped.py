"""Bug: a lone int or str argument is wrapped in a tuple like any other, so f(3) and f(3.0)
share one entry.

functools uses a lone int or str as its own key (no tuple to build), and 3 != (3.0,):
there, f(3) and f(3.0) are two entries even with typed=False, so cache_info() differs.
"""

from __future__ import annotations

from types import FunctionType
from typing import Any

from solutions import lru as reference
from solutions.lru import CacheInfo, LRUCache

__all__ = ["CacheInfo", "LRUCache", "lru_cache"]

# BUG: no lone-scalar keys. Correct: frozenset({int, str})
_SELF_KEYED: frozenset[type] = frozenset()


# The rest is the reference's lru_cache, _wrap and _make_key, their code unchanged,
# re-created over a copy of the reference's globals in which _SELF_KEYED is the one above.
def _rebuilt(function: Any, names: dict[str, Any]) -> Any:
    return FunctionType(function.__code__, names, function.__name__, function.__defaults__)


_names = {**vars(reference), "_SELF_KEYED": _SELF_KEYED}
_names["_make_key"] = _rebuilt(reference._make_key, _names)
_names["_wrap"] = _rebuilt(reference._wrap, _names)
lru_cache = _names["lru_cache"] = _rebuilt(reference.lru_cache, _names)
