"""``write_behind`` benchmark rows: store calls per 1,000 writes, write-behind against
write-through, on a Zipf trace of keys.

The trace is ``zipf_keys`` over 10,000 keys: a few keys take most of the writes, as in
real traffic. Write-through makes one store call per write. ``WriteBehindCache``
(``max_batch=100``, ``flush_interval=1 s``) sees one write per millisecond on a fake clock,
with ``flush_due()`` called after each, as a timer would: it writes each batch in one
call, and a key written several times before its flush is written once (coalescing).
``StreamWriteBehind`` is measured on the same trace, flushed every ``max_batch`` puts:
store calls, and Redis round trips per write (``put`` must be exactly one ``XADD``).

Runs on fakeredis, or on the REDIS_URL server when one is set (under a random name whose
keys are deleted afterwards). Lower is better; the rows carry no ratio target.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from types import ModuleType
from typing import Any

from bench.common import Row, redis_backend_name, redis_clients, zipf_keys
from tests.support.recording import record

WRITES = 100_000
QUICK_WRITES = 20_000
STREAM_WRITES = 5_000
QUICK_STREAM_WRITES = 1_000
MAX_BATCH = 100
TICK = 0.001  # seconds of fake time between two writes


class CountingStore:
    """A store in memory that counts its write calls and the keys they carry."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}
        self.calls = 0
        self.keys_written = 0

    def read(self, key: str) -> Any:
        return self.data[key]

    def write(self, key: str, value: Any) -> None:
        self.write_many({key: value})

    def write_many(self, items: Mapping[str, Any]) -> None:
        self.calls += 1
        self.keys_written += len(items)
        self.data.update(items)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def per_thousand(count: float, writes: int) -> float:
    return round(count * 1000 / writes, 2)


def through(module: ModuleType, trace: list[str]) -> CountingStore:
    store = CountingStore()
    cache = module.WriteThroughCache(store)
    for n, key in enumerate(trace):
        cache.put(key, n)
    return store


def behind(module: ModuleType, trace: list[str]) -> CountingStore:
    store, clock = CountingStore(), FakeClock()
    cache = module.WriteBehindCache(store, max_batch=MAX_BATCH, flush_interval=1.0,
                                    clock=clock)
    for n, key in enumerate(trace):
        cache.put(key, n)
        clock.now += TICK
        cache.flush_due()
    cache.close()
    return store


def stream(module: ModuleType, trace: list[str]) -> tuple[CountingStore, float]:
    """The stream buffer's store, and its Redis round trips per put."""
    client = redis_clients()[0]
    name = f"bench{secrets.token_hex(4)}"
    store = CountingStore()
    buffer = module.StreamWriteBehind(client, store, name=name, max_batch=MAX_BATCH)
    log = record(client)
    puts = 0
    try:
        for n, key in enumerate(trace):
            log.clear()
            buffer.put(key, n)
            puts += log.round_trips
            if (n + 1) % MAX_BATCH == 0:
                buffer.flush()
        while buffer.flush():
            pass
    finally:
        client.delete(f"wb:{{{name}}}:stream", f"wb:{{{name}}}:flushed")
        client.close()
    return store, puts / len(trace)


def rows(module: ModuleType, quick: bool = False) -> list[Row]:
    writes = QUICK_WRITES if quick else WRITES
    trace = [f"k{k}" for k in zipf_keys(writes)]
    wt, wb = through(module, trace), behind(module, trace)
    baseline = per_thousand(wt.calls, writes)
    stream_trace = trace[: QUICK_STREAM_WRITES if quick else STREAM_WRITES]
    sw, round_trips = stream(module, stream_trace)
    return [
        Row("write_behind", "WriteThroughCache store calls", baseline,
            "per 1k writes", note=f"Zipf trace of {writes:,} writes over 10,000 keys"),
        Row("write_behind", "WriteBehindCache store calls", per_thousand(wb.calls, writes),
            "per 1k writes", "write-through", baseline,
            note=f"max_batch={MAX_BATCH}, flush_interval=1 s, a write per ms; lower is better"),
        Row("write_behind", "WriteBehindCache keys written", per_thousand(wb.keys_written,
                                                                          writes),
            "per 1k writes", "write-through", per_thousand(wt.keys_written, writes),
            note="coalescing: a key written twice before its flush is written once"),
        Row("write_behind", "StreamWriteBehind store calls",
            per_thousand(sw.calls, len(stream_trace)), "per 1k writes", "write-through",
            baseline, note=f"flush() every {MAX_BATCH} puts, {redis_backend_name()}"),
        Row("write_behind", "StreamWriteBehind put", round_trips, "round trips",
            "one XADD", 1.0, note="per put; exactly 1"),
    ]
