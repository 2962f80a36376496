"""``consistent_hash`` benchmark rows: the module's ring against uhashring, and key slots.

One ring shape for every row: 10 nodes (``cache-0`` .. ``cache-9``) with 160 virtual
nodes each, uhashring's default too. Keys are ``user:<n>`` strings.

- ``HashRing.node_for`` lookups per second, against ``uhashring.HashRing.get_node`` on
  the same nodes and keys (uhashring hashes with MD5 as well, into 128-bit positions).
- Keys moved when an 11th node joins, out of 100,000: ours against uhashring's. The ideal
  is the newcomer's fair share, 1/11 of the keys; both move only keys that must move.
- The most keys one node holds once 100,000 keys are assigned to the 10 nodes with one
  virtual node each (where arcs are most uneven) by ``BoundedLoadRing`` (epsilon 0.25),
  against the same ring without the bound (``HashRing.node_for``): the bound caps the
  busiest node at 1.25 times the average.
- ``key_slot`` per second against redis-py's (``binascii.crc_hqx`` in C).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from types import ModuleType
from typing import Any

from uhashring import HashRing as UHashRing  # type: ignore[import-untyped]

from bench.common import Row, interleaved

NODES = [f"cache-{i}" for i in range(10)]
LOOKUPS, QUICK_LOOKUPS = 200_000, 40_000
MOVED_KEYS = 100_000


def _keys(count: int) -> list[str]:
    return [f"user:{n}" for n in range(count)]


def _lookups(node_for: Callable[[str], object], keys: list[str]) -> Callable[[], object]:
    def run() -> object:
        for key in keys:
            node_for(key)
        return None

    return run


def _moved(before: Callable[[str], object], after: Callable[[str], object],
           keys: list[str]) -> int:
    return sum(before(key) != after(key) for key in keys)


def _keys_moved_on_join(module: ModuleType, keys: list[str]) -> tuple[int, int]:
    ours = module.HashRing(NODES)
    theirs = UHashRing(NODES)
    ours_before = {key: ours.node_for(key) for key in keys}
    theirs_before = {key: theirs.get_node(key) for key in keys}
    ours.add_node("cache-10")
    theirs.add_node("cache-10")
    return (_moved(ours_before.__getitem__, ours.node_for, keys),
            _moved(theirs_before.__getitem__, theirs.get_node, keys))


def _busiest(module: ModuleType, keys: list[str]) -> tuple[int, int]:
    bounded: Any = module.BoundedLoadRing(NODES, vnodes=1, epsilon=0.25)
    for key in keys:
        bounded.assign(key)
    plain_ring = module.HashRing(NODES, vnodes=1)
    plain = Counter(plain_ring.node_for(key) for key in keys)
    return max(bounded.loads.values()), max(plain.values())


def rows(module: ModuleType, quick: bool = False) -> list[Row]:
    lookups = QUICK_LOOKUPS if quick else LOOKUPS
    keys = _keys(lookups)
    ours, theirs = module.HashRing(NODES), UHashRing(NODES)
    speed = interleaved({
        "ours": _lookups(ours.node_for, keys),
        "uhashring": _lookups(theirs.get_node, keys),
        "key_slot": _lookups(module.key_slot, keys),
        "redis_py": _lookups(_redis_py_key_slot(), keys),
    }, lookups)
    moved_keys = _keys(MOVED_KEYS // 5 if quick else MOVED_KEYS)
    ours_moved, theirs_moved = _keys_moved_on_join(module, moved_keys)
    ours_max, plain_max = _busiest(module, moved_keys)
    shape = f"10 nodes x 160 vnodes, {lookups:,} distinct keys, best of 5"
    fair = len(moved_keys) / 11
    average = len(moved_keys) / len(NODES)
    return [
        Row("consistent_hash", "HashRing node_for", speed["ours"], "ops/s",
            "uhashring 2.5 get_node", speed["uhashring"], target=1.0, note=shape),
        Row("consistent_hash", "keys moved when an 11th node joins", ours_moved, "keys",
            "uhashring 2.5, same nodes", theirs_moved,
            note=f"of {len(moved_keys):,}; the newcomer's fair share is {fair:,.0f}"),
        Row("consistent_hash", "busiest node, BoundedLoadRing eps 0.25", ours_max, "keys",
            "HashRing, 1 vnode each, no bound", plain_max,
            note=f"average {average:,.0f}; the cap is 1.25x that"),
        Row("consistent_hash", "key_slot", speed["key_slot"], "ops/s",
            "redis-py key_slot (C crc_hqx)", speed["redis_py"]),
    ]


def _redis_py_key_slot() -> Callable[[str], int]:
    from redis.crc import key_slot

    def slot(key: str) -> int:
        return key_slot(key.encode())

    return slot
