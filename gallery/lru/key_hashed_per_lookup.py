"""Bug: the key is a plain tuple, so every dict operation hashes the arguments again.

A miss looks the key up, checks it again after the call and stores it: three hashes of
every argument, where functools promises one (its _HashedSeq keeps the hash). An argument
with a slow __hash__ (a big frozen dataclass, a tuple of strings) pays three times.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from solutions import lru as reference

KILLED_BY = "TestPart3Defences::test_each_call_hashes_its_arguments_once"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"a miss, hashed arg [2-9] times"


class TupleKeys(reference.Memoizer):
    @staticmethod
    def make_key(args: tuple[Any, ...], kwds: dict[str, Any], typed: bool) -> Hashable:
        # BUG: the hash is not kept. Correct: the reference's key, which hashes once
        return tuple(reference.Memoizer.make_key(args, kwds, typed))


lru_cache = TupleKeys().lru_cache
