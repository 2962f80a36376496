"""Bug: the decorator keys calls by `str(args) + str(kwargs)`.

f(1) and f("1") print the same way and share an entry; 0.5 and Fraction(1, 2) do not.
"""

from collections.abc import Hashable
from typing import Any

from solutions import ttl as reference

KILLED_BY = "TestPart3Decorator::test_untyped_equal_arguments_share_an_entry"
KILLED_WITH = "AssertionError"


class StrArgsKey(reference.CachedFunction[Any]):
    def make_key(self, args: tuple[Any, ...], kwds: dict[str, Any]) -> Hashable:
        # BUG: different arguments can print alike, equal ones differently; the reference
        # builds the key from the arguments themselves, as functools does
        return str(args) + str(kwds)


ttl_cache = StrArgsKey.decorator
