"""Timing helpers for the suites' constant-time tests (``lru``, ``lfu``, ``ttl``).

``no_gc()`` keeps the garbage collector's pauses out of a measurement over many objects;
``time_mix()`` times the get / replace / insert (evicting) / delete mix that an O(1) cache
runs at the same speed whatever its size.
"""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Callable, Iterator
from typing import Any


@contextlib.contextmanager
def no_gc() -> Iterator[None]:
    """The collector off for the block (100k objects: its pauses would be in the timings),
    back on afterwards if it was on."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def time_mix(cache: Any, keys: list[int], fresh: int, budget: float, *,
             clock: Callable[[], float] = time.process_time,
             check_every: int = 4) -> tuple[float, bool]:
    """Seconds per operation over a get / replace / insert (evicting) / delete mix, and
    whether it ran out of time.

    For each of ``keys``: ``get``, ``put`` (replace), ``put`` of the new key
    ``fresh - i`` (evicts one when the cache is full), and every other step ``delete`` of
    that new key. It stops once ``budget`` seconds of ``clock`` are spent (looked at every
    ``check_every`` keys): a slow cache has shown it is slow. The default clock is CPU
    time: on a shared machine, a test preempted by others would look slow.
    """
    get, put, delete = cache.get, cache.put, cache.delete
    done = 0
    start = clock()
    for i, key in enumerate(keys):
        get(key)
        put(key, i)
        new_key = fresh - i
        put(new_key, i)
        if i % 2:
            delete(new_key)
        done += 4
        if i % check_every == 0 and clock() - start > budget:
            return (clock() - start) / done, True
    return (clock() - start) / done, False
