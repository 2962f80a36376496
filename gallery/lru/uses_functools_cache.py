"""Bug: lru_cache hands the work to functools.lru_cache, which the kata forbids.

It passes every behaviour test; the kata is to build the wrapper, its key and its list.
"""

from __future__ import annotations

import functools
from typing import Any

from solutions import lru as reference

KILLED_BY = "TestPart1FromScratch::test_source_uses_no_ordereddict_nor_functools_cache"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"functools\.lru_cache"


def lru_cache(maxsize: Any = 128, typed: bool = False) -> Any:
    if not callable(maxsize):
        reference.Memoizer().check_maxsize(maxsize)
    return functools.lru_cache(maxsize, typed)  # BUG: the kata forbids functools' cache
