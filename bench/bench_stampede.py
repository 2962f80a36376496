"""``stampede`` benchmark rows: how many computes a burst of concurrent cold readers causes.

16 threads, released together by a Barrier, ask for the same cold key through two
clients (as two processes would); the compute sleeps a little so that every reader
arrives while it runs. ``StampedeCache`` should compute once; the naive cache-aside below
(GET, on a miss compute and SET) computes once per reader. The same burst through
``SingleFlight.do`` is compared with calling the function directly.

Runs on fakeredis, or on the REDIS_URL server when one is set (under a random prefix whose
keys are deleted afterwards). Lower is better; the rows carry no ratio target.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Callable
from types import ModuleType
from typing import Any

import redis

from bench.common import Row, redis_backend_name, redis_clients

READERS = 16
COMPUTE_SECONDS = 0.05
ROUNDS = 5
QUICK_ROUNDS = 2


class _Counted:
    """A slow compute that counts its calls."""

    def __init__(self) -> None:
        self.calls = 0
        self._lock = threading.Lock()

    def __call__(self) -> dict[str, int]:
        with self._lock:
            self.calls += 1
        threading.Event().wait(COMPUTE_SECONDS)
        return {"answer": 42}


def _burst(read: Callable[[int, _Counted], Any]) -> int:
    """READERS threads call ``read(i, compute)`` at once; the number of computes."""
    compute = _Counted()
    barrier = threading.Barrier(READERS)
    errors: list[BaseException] = []

    def reader(i: int) -> None:
        try:
            barrier.wait(5)
            read(i, compute)
        except BaseException as exc:  # re-raised below, in the caller's thread
            errors.append(exc)

    threads = [threading.Thread(target=reader, args=(i,), daemon=True) for i in range(READERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    if errors:
        raise errors[0]
    return compute.calls


def _naive_get_or_compute(client: redis.Redis, key: str, compute: _Counted) -> Any:
    """Plain cache-aside: every reader that misses computes."""
    raw = client.get(key)
    if raw is not None:
        return json.loads(raw)
    value = compute()
    client.set(key, json.dumps(value), ex=60)
    return value


def _mean(counts: list[int]) -> float:
    return sum(counts) / len(counts)


def rows(module: ModuleType, quick: bool = False) -> list[Row]:
    rounds = QUICK_ROUNDS if quick else ROUNDS
    clients = redis_clients(2)
    prefix = f"bench{secrets.token_hex(4)}"
    guarded: list[int] = []
    naive: list[int] = []
    caches = [module.StampedeCache(c, ttl=60, prefix=f"{prefix}:sc") for c in clients]
    flight = module.SingleFlight()
    try:
        for r in range(rounds):
            key = f"k{r}"  # a cold key for every burst

            def guarded_read(i: int, compute: _Counted, key: str = key) -> Any:
                return caches[i % 2].get_or_compute(key, compute)

            def naive_read(i: int, compute: _Counted, key: str = key) -> Any:
                return _naive_get_or_compute(clients[i % 2], f"{prefix}:naive:{key}", compute)

            guarded.append(_burst(guarded_read))
            naive.append(_burst(naive_read))
        collapsed = _mean([_burst(lambda i, compute: flight.do("k", compute))
                           for _ in range(rounds)])
        direct = _mean([_burst(lambda i, compute: compute()) for _ in range(rounds)])
    finally:
        doomed = list(clients[0].scan_iter(match=f"{prefix}:*", count=1000))
        if doomed:
            clients[0].delete(*doomed)
        for client in clients:
            client.close()
    backend = redis_backend_name()
    return [
        Row("stampede", f"StampedeCache, {READERS} cold readers", _mean(guarded), "computes",
            "naive cache-aside", _mean(naive),
            note=f"mean of {rounds} bursts on two clients, {backend}; lower is better, want 1"),
        Row("stampede", f"SingleFlight.do, {READERS} callers", collapsed, "computes",
            "calling fn directly", direct, note="lower is better, want 1"),
    ]
