"""Bug: lru_cache hands the work to functools.lru_cache, which the kata forbids.

It passes every behaviour test; the kata is to build the wrapper, its key and its list.
"""

from __future__ import annotations

import functools
from typing import Any

from solutions.lru import CacheInfo, LRUCache

__all__ = ["CacheInfo", "LRUCache", "lru_cache"]


def lru_cache(maxsize: Any = 128, typed: bool = False) -> Any:
    if isinstance(maxsize, bool):
        raise TypeError("maxsize must be an int or None, not bool")
    if not (maxsize is None or isinstance(maxsize, int) or callable(maxsize)):
        raise TypeError(f"maxsize must be an int or None, not {type(maxsize).__name__}")
    return functools.lru_cache(maxsize, typed)  # BUG: the kata forbids functools' cache
