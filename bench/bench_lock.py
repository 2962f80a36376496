"""``lock`` benchmark rows: Redis round trips per RedisLock operation.

Counted with ``tests.support.recording.record`` on fakeredis, or on the REDIS_URL server
when one is set (under a random name whose keys are deleted afterwards). Each operation is
measured after a warm-up cycle, so a registered script is already loaded and the count is
the steady state: uncontended ``acquire()`` is one ``SET NX PX`` plus the fence ``INCR``;
``release()`` and ``extend()`` must be exactly one script call each.
"""

from __future__ import annotations

import secrets
from types import ModuleType

from bench.common import Row, redis_backend_name, redis_clients
from tests.support.recording import record

CYCLES = 200
QUICK_CYCLES = 20



def rows(module: ModuleType, quick: bool = False) -> list[Row]:
    cycles = QUICK_CYCLES if quick else CYCLES
    client = redis_clients()[0]
    name = f"bench{secrets.token_hex(4)}"
    lock = module.RedisLock(client, name, ttl=10.0)
    try:
        lock.acquire(blocking=False)  # warm-up: scripts are loaded on first use
        lock.extend(1.0)
        lock.release()
        log = record(client)
        counts = {"acquire": 0, "extend": 0, "release": 0}
        for _ in range(cycles):
            for op, call in (
                ("acquire", lambda: lock.acquire(blocking=False)),
                ("extend", lambda: lock.extend(1.0)),
                ("release", lock.release),
            ):
                log.clear()
                call()
                counts[op] += log.round_trips
    finally:
        client.delete(f"lock:{name}", f"lock:{name}:fence")
        client.close()
    backend = redis_backend_name()
    return [
        Row("lock", "RedisLock acquire (uncontended)", counts["acquire"] / cycles,
            "round trips", "SET NX PX + fence INCR", 2.0,
            note=f"per call, {backend}; lower is better"),
        Row("lock", "RedisLock extend", counts["extend"] / cycles, "round trips",
            "one script call", 1.0, note="target: exactly 1 (compare-and-extend in Lua)"),
        Row("lock", "RedisLock release", counts["release"] / cycles, "round trips",
            "one script call", 1.0, note="target: exactly 1 (compare-and-delete in Lua)"),
    ]
