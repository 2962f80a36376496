"""``redis_cache`` benchmark rows: Redis round trips per cached call.

Counted with ``tests.support.recording.record`` on fakeredis, or on the REDIS_URL server
when one is set (under a random prefix whose keys are deleted afterwards). The contract:
a hit costs at most two round trips (GET generation, GET entry, the baseline); the
reference's is one (a script GETting both, the keys sharing the prefix's hash tag); a miss
adds the one ``SET ... PX`` that writes the entry; ``invalidate_all()`` is O(1) (one
INCR), whatever the number of entries.
"""

from __future__ import annotations

import secrets
from types import ModuleType

from bench.common import Row, redis_backend_name, redis_clients
from tests.support.recording import record

CALLS = 500
QUICK_CALLS = 50


def rows(module: ModuleType, quick: bool = False) -> list[Row]:
    calls = QUICK_CALLS if quick else CALLS
    client = redis_clients()[0]
    token = f"bench{secrets.token_hex(4)}"

    def square(x: int) -> int:
        return x * x

    cached = module.redis_cache(client, ttl=60, prefix=f"{token}:square")(square)
    try:
        cached(-1)  # warm-up: the generation, any script, the connection
        cached.invalidate_all()
        log = record(client)
        for x in range(calls):
            cached(x)
        misses = log.round_trips / calls
        log.clear()
        for x in range(calls):
            cached(x)
        hits = log.round_trips / calls
        log.clear()
        cached.invalidate_all()
        invalidate_all = float(log.round_trips)
    finally:
        doomed = list(client.scan_iter(match=f"*{token}*", count=1000))
        if doomed:
            client.delete(*doomed)
        client.close()
    backend = redis_backend_name()
    return [
        Row("redis_cache", "cached call, hit", hits, "round trips",
            "GET generation, then GET entry", 2.0,
            note=f"per call, {backend}; the reference: one script for both; lower is better"),
        Row("redis_cache", "cached call, miss", misses, "round trips",
            "GET generation, GET entry, SET PX", 3.0,
            note="per call; the reference: the read script, then one SET PX"),
        Row("redis_cache", f"invalidate_all ({calls} entries)", invalidate_all,
            "round trips", "", None, note="contract: O(1), no KEYS/SCAN (one INCR)"),
    ]
