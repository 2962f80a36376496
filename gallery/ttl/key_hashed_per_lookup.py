"""Bug: the decorator's key is a plain tuple, so each lookup hashes every argument again.

A miss looks the key up three times (get, then `in` and the store in set): an argument
with a costly __hash__ pays it three times, where functools pays it once per call.
"""

from collections.abc import Hashable
from typing import Any

from solutions import ttl as reference

KILLED_BY = "TestPart3Decorator::test_each_argument_is_hashed_once_per_call"
KILLED_WITH = "AssertionError"


class KeyHashedPerLookup(reference.CachedFunction[Any]):
    def make_key(self, args: tuple[Any, ...], kwds: dict[str, Any]) -> Hashable:
        # BUG: nothing keeps the hash; the reference's key computes it once and keeps it
        key: tuple[Any, ...] = (args, tuple(kwds.items()))
        if self.typed:
            key += (tuple(map(type, args)), tuple(map(type, kwds.values())))
        return key


ttl_cache = KeyHashedPerLookup.decorator
