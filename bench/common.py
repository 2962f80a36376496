"""Shared benchmark pieces: the key stream, a timer, and the row type every kata reports.

Each ``bench/bench_<kata>.py`` defines ``rows(module, quick=False) -> list[Row]`` for the
module under measurement (the reference, or a learner's module for ``make compare``).
"""

from __future__ import annotations

import bisect
import itertools
import os
import random
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

import redis

from tests.support.redis_backends import RedisBackend

KEYS = 10_000
CAPACITY = 1_000
OPS = 1_000_000
QUICK_OPS = 100_000


@dataclass(frozen=True)
class Row:
    kata: str
    name: str  # what was measured, e.g. "LRUCache get/put"
    value: float  # ops/s, or a count such as round trips
    unit: str  # "ops/s", "round trips", "computes"
    baseline: str = ""  # what it is compared with
    baseline_value: float | None = None
    target: float | None = None  # the ratio value/baseline_value it must reach
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.baseline_value in (None, 0):
            return None
        return self.value / self.baseline_value

    @property
    def meets_target(self) -> bool | None:
        if self.target is None or self.ratio is None:
            return None
        return self.ratio >= self.target


def redis_backend_name() -> str:
    """Where the Redis rows are measured: the REDIS_URL server when set, else fakeredis."""
    return "REDIS_URL" if os.environ.get("REDIS_URL") else "fakeredis"


def redis_clients(count: int = 1, *, decode_responses: bool = False) -> list[redis.Redis]:
    """``count`` connected clients on one server: REDIS_URL's, or a new fakeredis server
    (the suites' ``RedisBackend``, so threads may share them at once)."""
    url = os.environ.get("REDIS_URL")
    backend = RedisBackend.real(url) if url else RedisBackend.fake()
    return [backend.client(decode_responses=decode_responses) for _ in range(count)]


def zipf_keys(n: int = OPS, keys: int = KEYS, s: float = 1.0, seed: int = 7) -> list[int]:
    """``n`` keys drawn from a Zipf(s) distribution over ``keys`` keys, the same every run."""
    weights = [1.0 / (rank**s) for rank in range(1, keys + 1)]
    cumulative = list(itertools.accumulate(weights))
    total = cumulative[-1]
    rng = random.Random(seed)
    ids = list(range(keys))
    rng.shuffle(ids)  # popular keys are not the small integers
    return [ids[bisect.bisect_left(cumulative, rng.random() * total)] for _ in range(n)]


def ops_per_second(run: Callable[[], object], ops: int, repeat: int = 3) -> float:
    """Best of ``repeat`` timings of ``run()``, which performs ``ops`` operations.

    Timed in CPU time of this process: on a shared machine, wall time measures the
    neighbours as much as the code. (Only for single-threaded, in-process work.)
    """
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return ops / max(best, 1e-9)


def interleaved(
    runs: dict[str, Callable[[], object]], ops: int, rounds: int = 5
) -> dict[str, float]:
    """Best ops/s of each run over ``rounds`` rounds that take turns, so that a burst of
    load on a shared machine hits every contender alike rather than one of them."""
    best = dict.fromkeys(runs, 0.0)
    for _ in range(rounds):
        for name, run in runs.items():
            best[name] = max(best[name], ops_per_second(run, ops, repeat=1))
    return best


MISSING = object()  # the ``default`` a get-or-put mix passes, told apart from any value


class OrderedDictLRU:
    """The usual short LRU answer: OrderedDict keeps the order, ``move_to_end`` refreshes
    it. The LRU baseline of the ``lru`` speed rows and the ``lfu`` hit-rate rows.

    Its ``get`` tests membership first: on the Zipf key stream that beats ``try``/``except
    KeyError`` (a miss raising is costly), so the baseline is the stronger of the two.
    """

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._data: OrderedDict[Hashable, Any] = OrderedDict()

    def get(self, key: Hashable, default: Any = None) -> Any:
        data = self._data
        if key not in data:
            return default
        data.move_to_end(key)
        return data[key]

    def put(self, key: Hashable, value: Any) -> None:
        data = self._data
        if key in data:
            data.move_to_end(key)
        data[key] = value
        if len(data) > self.capacity:
            data.popitem(last=False)


def get_or_put(make: Callable[[int], Any], keys: list[int]) -> Callable[[], object]:
    """A run for ``ops_per_second``: a new ``make(CAPACITY)`` cache, then for each key a
    ``get``, and on a miss a ``put`` of the key as its own value."""

    def run() -> object:
        cache = make(CAPACITY)
        get, put = cache.get, cache.put
        for key in keys:
            if get(key, MISSING) is MISSING:
                put(key, key)
        return cache

    return run


def format_table(rows: list[Row]) -> str:
    header = f"{'kata':<16} {'measure':<38} {'value':>14}  {'baseline':<34} {'ratio':>7}  target"
    lines = [header, "-" * len(header)]
    for r in rows:
        value = f"{r.value:,.0f} {r.unit}" if r.unit == "ops/s" else f"{r.value:g} {r.unit}"
        ratio = f"{r.ratio:.2f}x" if r.ratio is not None else ""
        if r.target is None:
            verdict = ""
        else:
            verdict = f">= {r.target:g}x " + ("ok" if r.meets_target else "MISSED")
        lines.append(
            f"{r.kata:<16} {r.name:<38} {value:>14}  {r.baseline:<34} {ratio:>7}  {verdict}"
        )
        if r.note:
            lines.append(f"{'':<16} {'':<38} {'':>14}  {r.note}")
    return "\n".join(lines)
