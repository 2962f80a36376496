"""``lock`` benchmark rows: Redis round trips per RedisLock and Redlock operation.

Counted with ``tests.support.recording.record`` on fakeredis, or on the REDIS_URL server
when one is set (under a random name whose keys are deleted afterwards); Redlock's rows on
three fakeredis servers. Each operation is measured after a warm-up cycle, so a
registered script is already loaded and the count is the steady state:

- uncontended ``acquire()`` with its fencing token: one script (``SET NX PX`` and the
  fence ``INCR``), beside the two round trips of a ``SET NX PX`` followed by the ``INCR``
  (what the contract also allows);
- ``release()`` and ``extend()``: exactly one script call each;
- Redlock: one round trip per server and step (a ``SET`` to acquire, a script to release).
"""

from __future__ import annotations

import secrets
from types import ModuleType

import fakeredis

from bench.common import Row, redis_backend_name, redis_clients
from tests.support.recording import record

CYCLES = 200
QUICK_CYCLES = 20
SERVERS = 3  # Redlock's


def redis_lock_counts(module: ModuleType, cycles: int) -> dict[str, float]:
    """Round trips per call of each RedisLock operation, on one server."""
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
        for key in (f"{{lock:{name}}}", f"{{lock:{name}}}:fence"):
            client.delete(key)
        client.close()
    return {op: total / cycles for op, total in counts.items()}


def redlock_counts(module: ModuleType, cycles: int) -> dict[str, float]:
    """Round trips per server and call of Redlock's acquire and release."""
    clients = [fakeredis.FakeRedis(server=fakeredis.FakeServer()) for _ in range(SERVERS)]
    redlock = module.Redlock(clients, f"bench{secrets.token_hex(4)}", ttl=10.0)
    redlock.acquire(blocking=False)  # warm-up: scripts are loaded on first use
    redlock.release()
    logs = [record(client) for client in clients]
    counts = {"acquire": 0, "release": 0}
    for _ in range(cycles):
        for op, call in (("acquire", lambda: redlock.acquire(blocking=False)),
                         ("release", redlock.release)):
            for log in logs:
                log.clear()
            call()
            counts[op] += sum(log.round_trips for log in logs)
    return {op: total / (cycles * SERVERS) for op, total in counts.items()}


def rows(module: ModuleType, quick: bool = False) -> list[Row]:
    cycles = QUICK_CYCLES if quick else CYCLES
    lock = redis_lock_counts(module, cycles)
    backend = redis_backend_name()
    rows = [
        Row("lock", "RedisLock acquire (uncontended)", lock["acquire"], "round trips",
            "SET NX PX, then the fence INCR", 2.0,
            note=f"per call, {backend}; the reference: one script for both; lower is better"),
        Row("lock", "RedisLock extend", lock["extend"], "round trips",
            "one script call", 1.0, note="target: exactly 1 (compare-and-extend in Lua)"),
        Row("lock", "RedisLock release", lock["release"], "round trips",
            "one script call", 1.0, note="target: exactly 1 (compare-and-delete in Lua)"),
    ]
    try:
        redlock = redlock_counts(module, cycles)
    except NotImplementedError:  # a learner's module before Part 3
        return rows
    return [
        *rows,
        Row("lock", "Redlock acquire, per server", redlock["acquire"], "round trips",
            "one SET NX PX", 1.0, note=f"{SERVERS} fakeredis servers; target: exactly 1"),
        Row("lock", "Redlock release, per server", redlock["release"], "round trips",
            "one script call", 1.0, note="target: exactly 1 (compare-and-delete in Lua)"),
    ]
