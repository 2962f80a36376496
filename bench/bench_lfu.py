"""``lfu`` benchmark rows: the module's LFUCache against ``cachetools.LFUCache``, and the hit
rates of LRU, LFU, LFU with aging, the module's W-TinyLFU and ``theine`` on the same traces.

Speed: one Zipf key stream (10k keys, capacity 1000) drives a get-or-put mix (``get``; on
a miss, ``put``), contenders taking turns, best of 5.

Hit rates (capacity 1000, the same get-or-put mix; a hit rate is deterministic, so one run
says it all):

- *Zipf + scan*: 200k requests from a Zipf(0.8) stream over 10k keys, with a one-pass
  scan of 20k keys never seen again inserted halfway. The scan flushes an LRU; a plain LFU
  shrugs it off, but keeps re-evicting popular keys that come back with a count of 1.
- *Zipf, scan, new favourites*: the same first half and scan, then 100k requests from a
  Zipf stream over 10k other keys: the popularity moves. A plain LFU clings to the old
  favourites' counts; aging and W-TinyLFU's sketch forget them.

``theine`` (W-TinyLFU with a Rust core, as in Caffeine) is the peer: ours should be
within a few percent of it. Its writes are buffered and applied in batches, so it may
hold a few more entries than its size for a moment: its rate is slightly flattered.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from types import ModuleType
from typing import Any

import cachetools
import theine

from bench.common import (
    CAPACITY,
    MISSING,
    OPS,
    QUICK_OPS,
    OrderedDictLRU,
    Row,
    get_or_put,
    interleaved,
    zipf_keys,
)

ZIPF_S = 0.8
POPULATION = 10_000


class CachetoolsLFU:
    """``cachetools.LFUCache`` behind the same get/put interface."""

    def __init__(self, capacity: int) -> None:
        self._cache: cachetools.LFUCache[Hashable, Any] = cachetools.LFUCache(capacity)
        self.get = self._cache.get

    def put(self, key: Hashable, value: Any) -> None:
        self._cache[key] = value


class Theine:
    """``theine.Cache`` (no locking: one thread) behind the same get/put interface."""

    def __init__(self, capacity: int) -> None:
        self._cache: theine.Cache[Hashable, Any] = theine.Cache(capacity, nolock=True)
        self.put = self._cache.set

    def get(self, key: Hashable, default: Any = None) -> Any:
        value, found = self._cache.get(key)
        return value if found else default


def hit_rate(make: Callable[[int], Any], keys: list[int]) -> float:
    """Percent of the requests that hit, in the get-or-put mix."""
    cache = make(CAPACITY)
    get, put = cache.get, cache.put
    hits = 0
    for key in keys:
        if get(key, MISSING) is MISSING:
            put(key, key)
        else:
            hits += 1
    return round(100.0 * hits / len(keys), 2)


def traces(requests: int = 200_000) -> dict[str, list[int]]:
    """The two hit-rate traces (see the module docstring), plus a scan of a tenth as many
    keys: the same every run."""
    half = requests // 2
    first = zipf_keys(requests, POPULATION, s=ZIPF_S, seed=7)
    scan = list(range(10 * POPULATION, 10 * POPULATION + requests // 10))
    newcomers = [POPULATION + k for k in zipf_keys(half, POPULATION, s=ZIPF_S, seed=8)]
    return {
        "Zipf + scan": first[:half] + scan + first[half:],
        "Zipf, scan, new favourites": first[:half] + scan + newcomers,
    }


def rows(module: ModuleType, quick: bool = False) -> list[Row]:
    ops = QUICK_OPS if quick else OPS
    keys = zipf_keys(ops)
    speed = interleaved({
        "ours": get_or_put(module.LFUCache, keys),
        "cachetools": get_or_put(CachetoolsLFU, keys),
    }, ops)
    mix = f"Zipf over 10k keys, capacity {CAPACITY}, {ops:,} ops, best of 5"
    result = [
        Row("lfu", "LFUCache get-or-put", speed["ours"], "ops/s", "cachetools.LFUCache",
            speed["cachetools"], target=2.0, note=mix),
    ]
    policies: dict[str, Callable[[int], Any]] = {
        "LRU (OrderedDict)": OrderedDictLRU,
        "LFU (LFUCache)": module.LFUCache,
        "LFU, decay_every=10x": lambda c: module.LFUCache(c, decay_every=10 * c),
        "W-TinyLFU (TinyLFUCache)": module.TinyLFUCache,
        "theine.Cache (W-TinyLFU)": Theine,
    }
    # The targets: W-TinyLFU beats plain LRU and plain LFU on both traces, clearly where
    # popularity moves, and stays within 3% of theine.
    targets = {"Zipf + scan": {"LRU (OrderedDict)": 1.1, "LFU (LFUCache)": 1.01},
               "Zipf, scan, new favourites": {"LRU (OrderedDict)": 1.1,
                                              "LFU (LFUCache)": 1.3}}
    # Hit rates are deterministic: the full traces even in a quick run.
    for trace, requests in traces().items():
        rates = {name: hit_rate(make, requests) for name, make in policies.items()}
        ours = rates["W-TinyLFU (TinyLFUCache)"]
        shown = ", ".join(f"{short} {rate:.1f}%" for short, rate in zip(
            ("LRU", "LFU", "LFU+aging", "W-TinyLFU", "theine"), rates.values(), strict=True))
        for baseline, target in targets[trace].items():
            margin = ours - rates[baseline]
            result.append(Row(
                "lfu", f"W-TinyLFU hits, {trace}", ours, "% hits", baseline, rates[baseline],
                target=target, note=f"{margin:+.1f} points"))
        result.append(Row(
            "lfu", f"W-TinyLFU hits, {trace}", ours, "% hits", "theine.Cache (W-TinyLFU)",
            rates["theine.Cache (W-TinyLFU)"], target=0.97,
            note=f"{len(requests):,} requests; all: {shown}"))
    return result
