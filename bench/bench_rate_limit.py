"""rate_limit: round trips per Redis decision, and in-memory decisions per second.

The Redis rows count commands with ``tests.support.recording.record`` on fakeredis (or the
REDIS_URL server when set), after one warm-up hit that may load the script: the target
is exactly 1 round trip per decision. The in-memory rows have no baseline.
"""

from __future__ import annotations

import secrets
from types import ModuleType
from typing import Any

from bench.common import (
    OPS,
    QUICK_OPS,
    Row,
    ops_per_second,
    redis_backend_name,
    redis_clients,
    zipf_keys,
)
from tests.support.recording import record

KATA = "rate_limit"


def _round_trip_rows(module: ModuleType, decisions: int) -> list[Row]:
    rows = []
    where = redis_backend_name()
    for name, args in [("RedisSlidingWindowLimiter", (20, 60.0)),
                       ("RedisTokenBucketLimiter", (1.0, 20))]:
        client = redis_clients()[0]
        prefix = f"bench-rl-{secrets.token_hex(4)}"
        try:
            limiter: Any = getattr(module, name)(client, *args, prefix=prefix)
            limiter.hit("warm-up")
            log = record(client)
            for i in range(decisions):
                limiter.hit(f"k{i % 7}", 1 + i % 3)
            rows.append(Row(KATA, f"{name} per hit()", log.round_trips / decisions,
                            "round trips", note=f"target: exactly 1 ({where})"))
        finally:
            doomed = list(client.scan_iter(match=f"{prefix}:*"))
            if doomed:
                client.delete(*doomed)
            client.close()
    return rows


def rows(module: ModuleType, quick: bool = False) -> list[Row]:
    ops = QUICK_OPS if quick else OPS // 4
    keys = [f"user:{k}" for k in zipf_keys(ops, keys=1_000)]
    out = _round_trip_rows(module, 50 if quick else 200)
    for name, args in [("FixedWindowLimiter", (100, 1.0)),
                       ("SlidingWindowLogLimiter", (100, 1.0)),
                       ("SlidingWindowCounterLimiter", (100, 1.0)),
                       ("TokenBucketLimiter", (100.0, 100))]:
        limiter: Any = getattr(module, name)(*args)

        def run(hit: Any = limiter.hit) -> None:
            for key in keys:
                hit(key)

        out.append(Row(KATA, f"{name} hit()", ops_per_second(run, ops), "ops/s"))
    return out
