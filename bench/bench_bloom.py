"""``bloom`` benchmark rows: the module's filters against pybloom-live and rbloom.

Every filter is built for the same n and p (100,000 items at 1%; quick: 20,000) and
takes the same items:

- checks per second: ``item in f`` over a stream that is half members, half not;
- adds per second: filling an empty filter with the n items;
- bits per key: the filter's size in bits over n, at the same p (the optimum is
  -ln p / (ln 2)^2 = 9.59 at 1%); and the false-positive rate measured at capacity.

Baselines: ``pybloom_live.BloomFilter`` (pure Python, k slices of m/k bits, a salted
xxh128 or sha digest per item) and ``rbloom.Bloom`` (Rust). rbloom hashes with the
builtin ``hash()`` by default, which is not stable across processes for str; the row
with a blake2b ``hash_func`` is the like-for-like one. ``RedisBloomFilter`` rows (on
REDIS_URL's server when set, else fakeredis) count round trips per add and per check.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pybloom_live  # type: ignore[import-untyped]
import rbloom

from bench.common import Row, ops_per_second, redis_backend_name, redis_clients
from tests.support.recording import record

KATA = "bloom"
ERROR_RATE = 0.01


def stable_hash(item: Any) -> int:
    """A process-independent 128-bit hash for rbloom, from the item's UTF-8 bytes."""
    data = item.encode() if isinstance(item, str) else item
    return int.from_bytes(hashlib.blake2b(data, digest_size=16).digest(), "big",
                          signed=True)


def _contenders(module: ModuleType, n: int) -> dict[str, Callable[[], Any]]:
    return {
        "ours": lambda: module.BloomFilter(n, ERROR_RATE),
        "pybloom-live": lambda: pybloom_live.BloomFilter(capacity=n, error_rate=ERROR_RATE),
        "rbloom": lambda: rbloom.Bloom(n, ERROR_RATE),
        "rbloom+blake2b": lambda: rbloom.Bloom(n, ERROR_RATE, hash_func=stable_hash),
    }


def _bits(name: str, f: Any) -> int:
    if name == "ours":
        return int(f.bit_count)
    if name == "pybloom-live":
        return int(f.num_bits)
    return int(f.size_in_bits)


def _filled(make: Callable[[], Any], members: list[str]) -> Any:
    f = make()
    add = f.add
    for item in members:
        add(item)
    return f


def _speed(contenders: dict[str, Callable[[], Any]], members: list[str],
           stream: list[str], rounds: int) -> tuple[dict[str, float], dict[str, float]]:
    """Best adds/s and checks/s of each, over rounds that take turns (so a burst of load
    on a shared machine hits every contender alike)."""
    adds = dict.fromkeys(contenders, 0.0)
    checks = dict.fromkeys(contenders, 0.0)
    for _ in range(rounds):
        for name, make in contenders.items():
            def fill(make: Callable[[], Any] = make) -> object:
                return _filled(make, members)

            adds[name] = max(adds[name], ops_per_second(fill, len(members), repeat=1))
            f = _filled(make, members)

            def check(f: Any = f) -> None:
                for item in stream:
                    _ = item in f

            checks[name] = max(checks[name], ops_per_second(check, len(stream), repeat=1))
    return adds, checks


def _redis_rows(module: ModuleType, operations: int) -> list[Row]:
    where = redis_backend_name()
    client = redis_clients()[0]
    name = f"bench-bloom-{secrets.token_hex(4)}"
    f = module.RedisBloomFilter(client, name, 10_000, ERROR_RATE, ttl=600)
    try:
        f.add("warm-up")
        _ = "warm-up" in f
        log = record(client)
        for i in range(operations):
            f.add(f"key:{i}")
        per_add = log.round_trips / operations
        log.clear()
        for i in range(operations):
            _ = f"key:{i * 7}" in f
        per_check = log.round_trips / operations
    finally:
        f.clear()
        client.close()
    note = f"target: exactly 1 ({where})"
    return [Row(KATA, "RedisBloomFilter per add()", per_add, "round trips", note=note),
            Row(KATA, "RedisBloomFilter per check", per_check, "round trips", note=note)]


def rows(module: ModuleType, quick: bool = False) -> list[Row]:
    n = 20_000 if quick else 100_000
    members = [f"key:{i}" for i in range(n)]
    stream = [f"key:{i}" if i % 2 else f"other:{i}" for i in range(n)]
    contenders = _contenders(module, n)
    adds, checks = _speed(contenders, members, stream, rounds=2 if quick else 3)
    filled = {name: _filled(make, members) for name, make in contenders.items()}
    probes = [f"probe:{i}" for i in range(n)]
    fp = {name: sum(p in f for p in probes) / len(probes) for name, f in filled.items()}
    bits = {name: _bits(name, f) / n for name, f in filled.items()}
    setup = f"{n:,} items at p = {ERROR_RATE:g}, best of {2 if quick else 3}"
    out: list[Row] = []
    for base in ("pybloom-live", "rbloom", "rbloom+blake2b"):
        first = base == "pybloom-live"
        out.append(Row(KATA, "BloomFilter checks", checks["ours"], "ops/s", base,
                       checks[base], note=setup if first else ""))
    for base in ("pybloom-live", "rbloom", "rbloom+blake2b"):
        out.append(Row(KATA, "BloomFilter adds", adds["ours"], "ops/s", base, adds[base]))
    for base in ("pybloom-live", "rbloom"):
        out.append(Row(KATA, "BloomFilter bits per key", round(bits["ours"], 3), "bits/key",
                       base, round(bits[base], 3)))
    for base in ("pybloom-live", "rbloom", "rbloom+blake2b"):
        out.append(Row(KATA, "false-positive rate at capacity", round(fp["ours"], 5),
                       "(rate)", base, round(fp[base], 5),
                       note="measured on n items never added" if base == "pybloom-live"
                       else ""))
    return out + _redis_rows(module, 50 if quick else 200)
