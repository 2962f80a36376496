"""Values no test stores, so that a miss is told apart from a cached ``None``."""

from __future__ import annotations


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING = _Missing()
