"""``multilevel`` benchmark rows: what an L1 hit costs, and what an L1 miss sends to Redis.

On fakeredis, or on the REDIS_URL server when one is set (under a random namespace whose
keys are deleted afterwards).

- L1 hit: ``get`` on a Zipf key stream over keys that all fit in L1, in ops/s, beside a
  hit of our own ``ttl`` kata's ``TTLCache`` (the reference, same stream, same clock:
  ``time.monotonic``) with a target: at least half its speed, coherence included. And
  beside a plain ``dict`` lookup, without a target: what an expiring LRU costs at all.
- L1 miss: Redis round trips per ``get`` of a key in L2 but not in L1 (counted with
  ``tests.support.recording.record``; pub/sub reads are not commands). Expected: 1 (GET).
"""

from __future__ import annotations

import importlib
import secrets
from types import ModuleType

from bench.common import Row, ops_per_second, redis_backend_name, redis_clients, zipf_keys
from tests.support.recording import record

HOT_KEYS = 500  # fits in l1_maxsize below
OPS = 100_000
QUICK_OPS = 10_000
MISSES = 500
QUICK_MISSES = 50



def rows(module: ModuleType, quick: bool = False) -> list[Row]:
    ops = QUICK_OPS if quick else OPS
    misses = QUICK_MISSES if quick else MISSES
    client = redis_clients()[0]
    namespace = f"bench{secrets.token_hex(4)}:mlc"
    stream = [f"k{i}" for i in zipf_keys(n=ops, keys=HOT_KEYS)]
    cache = module.MultiLevelCache(client, namespace=namespace, l1_maxsize=2 * HOT_KEYS,
                                   l1_ttl=3600)
    try:
        for key in set(stream):
            cache.set(key, {"key": key})
            cache.get(key)  # in L1 now, whatever set() keeps

        def l1_hits() -> None:
            get = cache.get
            for key in stream:
                get(key)

        plain = {key: {"key": key} for key in stream}

        def dict_lookups() -> None:
            get = plain.get
            for key in stream:
                get(key)

        # The ttl kata's reference, whatever module is measured here (imported by name:
        # mypy checks solutions/ as top-level modules).
        ttl_cache = importlib.import_module("solutions.ttl").TTLCache(2 * HOT_KEYS, 3600)
        for key in plain:
            ttl_cache.set(key, plain[key])

        def ttl_cache_hits() -> None:
            get = ttl_cache.get
            for key in stream:
                get(key)

        hit_rate = ops_per_second(l1_hits, ops)
        ttl_rate = ops_per_second(ttl_cache_hits, ops)
        dict_rate = ops_per_second(dict_lookups, ops)

        # L1 misses: a second instance with an empty L1 reads keys that are in L2.
        reader = module.MultiLevelCache(client, namespace=namespace, l1_ttl=3600)
        try:
            cold = [f"cold{i}" for i in range(misses)]
            for key in cold:
                cache.set(key, key)
            reader.get("warm-up")  # connection, subscription
            log = record(client)
            for key in cold:
                reader.get(key)
            per_miss = log.round_trips / misses
        finally:
            reader.close()
    finally:
        cache.close()
        doomed = list(client.scan_iter(match=f"{namespace}:*", count=1000))
        if doomed:
            client.delete(*doomed)
        client.close()
    backend = redis_backend_name()
    return [
        Row("multilevel", "get, L1 hit", hit_rate, "ops/s", "TTLCache.get hit (ttl kata)",
            ttl_rate, target=0.5,
            note=f"{backend}; coherence included: pub/sub drained once a ms"),
        Row("multilevel", "get, L1 hit", hit_rate, "ops/s", "dict.get", dict_rate,
            note="no target: what the expiry check, the recency and the count cost"),
        Row("multilevel", "get, L1 miss (L2 hit)", per_miss, "round trips", "", None,
            note="per get; pub/sub reads are not commands; expected 1 (GET)"),
    ]
