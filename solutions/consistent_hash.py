"""Consistent hashing: a ring of virtual nodes, bounded loads, Redis Cluster's key slots.

The reference for ``katas/consistent_hash.py`` (the stub holds the full specification).

``HashRing`` keeps its points as two parallel sorted lists, positions and owners, held in
one tuple: a lookup is one MD5 and one ``bisect_left`` over plain ints, and a change
builds new lists aside and swaps the tuple in, so readers in other threads never see a
ring half changed. Ties between points at one position are ordered by node name, which
makes the ring a function of its node set. ``BoundedLoadRing`` walks that ring past full
nodes. ``SlotMap`` is an owner per slot plus each node's slots, changed one slot at a time
between the node with the most and the one with the fewest.

Extension points
----------------
The steps where a ring goes wrong are public methods of their own, in the style of
redis-py's ``Lock.do_acquire``; the public operations are policy around them. Override
one to change one thing.

``HashRing``:

- ``position(data: bytes) -> int`` (static): the ring position of bytes, the first four
  bytes of their MD5 digest read big-endian.
- ``labels(node) -> list[bytes]``: the labels whose positions are ``node``'s points,
  ``b"node#0"`` .. ``b"node#<vnodes - 1>"``.
- ``successor(positions, position) -> int`` (static): the index, in the ascending
  ``positions`` of the points, of the point that owns ``position``: the first at or
  after it, wrapping to 0 past the last.
- ``walk(key)``: the distinct nodes from ``key``'s position on (also public API).

``BoundedLoadRing``:

- ``capacity(keys) -> int``: the most keys a node may hold when ``keys`` keys are
  assigned: ``ceil((1 + epsilon) * keys / n)``, exactly.
- ``choose(key: bytes, keys: int) -> str``: where a key that is being placed goes: the
  first node of ``walk(key)`` below ``capacity(keys)``.

``SlotMap``:

- ``newcomer_share(nodes) -> int``: how many slots a node joining takes when there will
  be ``nodes`` nodes: ``16384 // nodes``.
- ``donor(counts) -> str``: the node that gives up the next slot to a newcomer: the one
  with the most slots (ties: the name that sorts first). It gives its highest slot.
- ``recipient(counts) -> str``: the node that takes the next slot of a node leaving: the
  one with the fewest slots (ties: the name that sorts first).

Hooks read the instance's public attributes (``vnodes``, ``nodes``, ``points``, ``loads``,
``epsilon``, ``counts``) or their arguments.
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from fractions import Fraction
from hashlib import md5
from struct import Struct
from typing import NamedTuple

__all__ = [
    "DEFAULT_EPSILON",
    "DEFAULT_VNODES",
    "SLOTS",
    "BoundedLoadRing",
    "HashRing",
    "SlotMap",
    "crc16",
    "key_slot",
]

DEFAULT_VNODES = 160
DEFAULT_EPSILON = 0.25
SLOTS = 16384  # Redis Cluster's hash slots

_FIRST_FOUR_BYTES = Struct(">I").unpack_from


# --- checks -------------------------------------------------------------------------------


def _check_node(node: object) -> str:
    if not isinstance(node, str):
        raise TypeError(f"node must be a str, got {type(node).__name__}")
    if not node:
        raise ValueError("node must be a non-empty str")
    return node


def _check_nodes(nodes: object) -> list[str]:
    """``nodes`` as a list of distinct, checked node names, in the order given."""
    if isinstance(nodes, str | bytes) or not isinstance(nodes, Iterable):
        raise TypeError(f"nodes must be an iterable of node names, got {type(nodes).__name__}")
    checked = [_check_node(node) for node in nodes]
    if len(set(checked)) != len(checked):
        twice = next(node for node in checked if checked.count(node) > 1)
        raise ValueError(f"node {twice!r} is given twice in nodes")
    return checked


def _key_bytes(key: object) -> bytes:
    """A key as the bytes that are hashed: a str is its UTF-8."""
    if isinstance(key, bytes):
        return key
    if isinstance(key, str):
        return key.encode()
    raise TypeError(f"key must be a str or bytes, got {type(key).__name__}")


def _check_count(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}")
    return value


def _exact_epsilon(epsilon: object) -> Fraction:
    """``epsilon`` as the decimal it is written as: 0.1 is one tenth, not the float."""
    if isinstance(epsilon, bool) or not isinstance(epsilon, int | float):
        raise TypeError(f"epsilon must be an int or float, got {type(epsilon).__name__}")
    if not math.isfinite(epsilon) or epsilon <= 0:
        raise ValueError(f"epsilon must be finite and > 0, got {epsilon!r}")
    return Fraction(str(epsilon))


# --- Part 1: the ring -----------------------------------------------------------------------


class _Ring(NamedTuple):
    """One version of the ring, never changed once built: a change builds the next one."""

    positions: list[int]  # ascending
    owners: list[str]  # owners[i] owns positions[i]
    nodes: frozenset[str]

    @classmethod
    def of(cls, points: list[tuple[int, str]]) -> _Ring:
        """The ring of ``points``, which are sorted by (position, node)."""
        return cls([p for p, _ in points], [o for _, o in points], frozenset(o for _, o in points))


class HashRing:
    """Consistent hashing with ``vnodes`` virtual nodes per node (see the stub)."""

    def __init__(self, nodes: Iterable[str] = (), *, vnodes: int = DEFAULT_VNODES) -> None:
        self._vnodes = _check_count("vnodes", vnodes)
        names = _check_nodes(nodes)
        # Replaced whole by add_node and remove_node, never changed in place: a reader
        # takes it once and sees one consistent version.
        self._ring = _Ring.of(sorted(self._points_of(names)))

    # -- extension points --

    @staticmethod
    def position(data: bytes) -> int:
        """Where ``data`` sits on the ring: the first four bytes of its MD5, big-endian."""
        position: int = _FIRST_FOUR_BYTES(md5(data).digest())[0]
        return position

    def labels(self, node: str) -> list[bytes]:
        """The labels of ``node``'s virtual nodes: ``node#0`` .. ``node#<vnodes - 1>``."""
        return [f"{node}#{i}".encode() for i in range(self._vnodes)]

    @staticmethod
    def successor(positions: list[int], position: int) -> int:
        """The index of the point owning ``position`` in the ascending ``positions``: the
        first at or after it, wrapping to the first point past the last."""
        index = bisect_left(positions, position)
        return 0 if index == len(positions) else index

    # -- the ring --

    @property
    def vnodes(self) -> int:
        return self._vnodes

    @property
    def nodes(self) -> frozenset[str]:
        return self._ring.nodes

    @property
    def points(self) -> list[tuple[int, str]]:
        ring = self._ring
        return list(zip(ring.positions, ring.owners, strict=True))

    def add_node(self, node: str) -> None:
        _check_node(node)
        if node in self._ring.nodes:
            raise ValueError(f"node {node!r} is on the ring already")
        new = sorted(self._points_of([node]))
        self._ring = _Ring.of(list(heapq.merge(self.points, new)))

    def remove_node(self, node: str) -> None:
        _check_node(node)
        if node not in self._ring.nodes:
            raise KeyError(f"node {node!r} is not on the ring")
        self._ring = _Ring.of([point for point in self.points if point[1] != node])

    def node_for(self, key: str | bytes) -> str:
        position = self.position(_key_bytes(key))
        ring = self._ring
        if not ring.owners:
            raise LookupError("the ring has no nodes")
        return ring.owners[self.successor(ring.positions, position)]

    def walk(self, key: str | bytes) -> Iterator[str]:
        """Every node once, clockwise from ``key``'s position (lazy)."""
        position = self.position(_key_bytes(key))  # checks the key now, not at the first next()
        return self._walk_from(self._ring, position)

    def __len__(self) -> int:
        return len(self._ring.nodes)

    def __contains__(self, node: object) -> bool:
        return node in self._ring.nodes

    def __repr__(self) -> str:
        return f"{type(self).__name__}({sorted(self.nodes)!r}, vnodes={self._vnodes})"

    # -- steps --

    def _points_of(self, nodes: Iterable[str]) -> Iterator[tuple[int, str]]:
        position = self.position
        for node in nodes:
            for label in self.labels(node):
                yield position(label), node

    def _walk_from(self, ring: _Ring, position: int) -> Iterator[str]:
        owners = ring.owners
        if not owners:
            return
        start = self.successor(ring.positions, position)
        seen: set[str] = set()
        for index in range(start, start + len(owners)):
            node = owners[index % len(owners)]
            if node not in seen:
                seen.add(node)
                yield node
                if len(seen) == len(ring.nodes):
                    return


# --- Part 2: bounded loads ------------------------------------------------------------------


class BoundedLoadRing(HashRing):
    """A ring that caps every node at ``ceil((1 + epsilon) * m / n)`` keys (see the stub)."""

    def __init__(
        self,
        nodes: Iterable[str] = (),
        *,
        vnodes: int = DEFAULT_VNODES,
        epsilon: float = DEFAULT_EPSILON,
    ) -> None:
        self._factor = 1 + _exact_epsilon(epsilon)
        self._epsilon = epsilon
        super().__init__(nodes, vnodes=vnodes)
        # Every assigned key to its node, oldest assignment first; and each node's count.
        self._assigned: dict[bytes, str] = {}
        self._loads: dict[str, int] = dict.fromkeys(sorted(self.nodes), 0)

    # -- extension points --

    def capacity(self, keys: int) -> int:
        """The most keys a node may hold when ``keys`` keys are assigned (exact)."""
        return math.ceil(self._factor * keys / len(self))

    def choose(self, key: bytes, keys: int) -> str:
        """The node a key being placed goes to: the first on its walk with room."""
        cap = self.capacity(keys)
        loads = self._loads
        for node in self.walk(key):
            if loads[node] < cap:
                return node
        raise RuntimeError(f"no node below the capacity {cap}: the loads add up to too many")

    # -- assignments --

    @property
    def epsilon(self) -> float:
        return self._epsilon

    @property
    def loads(self) -> dict[str, int]:
        return dict(self._loads)

    def assign(self, key: str | bytes) -> str:
        data = _key_bytes(key)
        current = self._assigned.get(data)
        if current is not None:
            return current
        if not self._loads:
            raise LookupError("the ring has no nodes to assign a key to")
        node = self.choose(data, len(self._assigned) + 1)
        self._assigned[data] = node
        self._loads[node] += 1
        return node

    def release(self, key: str | bytes) -> bool:
        node = self._assigned.pop(_key_bytes(key), None)
        if node is None:
            return False
        self._loads[node] -= 1
        return True

    def node_of(self, key: str | bytes) -> str | None:
        return self._assigned.get(_key_bytes(key))

    def add_node(self, node: str) -> None:
        super().add_node(node)
        self._loads[node] = 0

    def remove_node(self, node: str) -> None:
        super().remove_node(node)
        del self._loads[node]
        orphans = [key for key, owner in self._assigned.items() if owner == node]
        if not self._loads:
            self._assigned.clear()
            return
        keys = len(self._assigned)  # unchanged: the orphans are still assigned
        for key in orphans:
            new = self.choose(key, keys)
            self._assigned[key] = new  # keeps the key's place in the assignment order
            self._loads[new] += 1


# --- Part 3: Redis Cluster's slots ----------------------------------------------------------


# Built once, at import: before mutation testing switches any mutant on, so mutmut could
# never run this function's mutants. The CRC check-value test covers the table.
def _crc16_table() -> tuple[int, ...]:  # pragma: no mutate block
    """The CRC of each byte value alone: the bitwise loop, run once per byte value."""
    table = []
    for byte in range(256):
        crc = byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
        table.append(crc & 0xFFFF)
    return tuple(table)


_CRC16_TABLE = _crc16_table()


def crc16(data: bytes) -> int:
    """CRC-16/XMODEM: polynomial 0x1021, initial value 0, no reflection, no final XOR."""
    if not isinstance(data, bytes):
        raise TypeError(f"data must be bytes, got {type(data).__name__}")
    crc = 0
    table = _CRC16_TABLE
    for byte in data:
        crc = ((crc << 8) & 0xFFFF) ^ table[(crc >> 8) ^ byte]
    return crc


def _hashed_part(key: bytes) -> bytes:
    """The bytes Redis hashes: the hash tag if the key has a non-empty one, else all."""
    start = key.find(b"{")
    if start != -1:
        end = key.find(b"}", start + 1)
        if end > start + 1:
            return key[start + 1 : end]
    return key


def key_slot(key: str | bytes) -> int:
    """The Redis Cluster slot of ``key``, hash tags included."""
    return crc16(_hashed_part(_key_bytes(key))) % SLOTS


class SlotMap:
    """Redis Cluster's 16384 slots spread evenly over nodes, moving the fewest (see the stub)."""

    def __init__(self, nodes: Iterable[str] = ()) -> None:
        names = _check_nodes(nodes)
        self._owner: list[str | None] = [None] * SLOTS
        self._slots: dict[str, list[int]] = {}  # each node's slots, ascending
        for node in names:
            self.add_node(node)

    # -- extension points --

    def newcomer_share(self, nodes: int) -> int:
        """The slots a joining node takes when there will be ``nodes`` nodes."""
        return SLOTS // nodes

    def donor(self, counts: dict[str, int]) -> str:
        """Who gives the next slot to a newcomer: the most slots, then the first name."""
        return min(counts, key=lambda node: (-counts[node], node))

    def recipient(self, counts: dict[str, int]) -> str:
        """Who takes the next slot of a node leaving: the fewest slots, then the first name."""
        return min(counts, key=lambda node: (counts[node], node))

    # -- membership --

    def add_node(self, node: str) -> list[int]:
        _check_node(node)
        if node in self._slots:
            raise ValueError(f"node {node!r} is in the slot map already")
        if not self._slots:
            self._slots[node] = list(range(SLOTS))
            self._owner = [node] * SLOTS
            return []
        counts = self.counts
        moved = []
        for _ in range(self.newcomer_share(len(counts) + 1)):
            giver = self.donor(counts)
            slot = self._slots[giver].pop()  # its highest: the list is ascending
            counts[giver] -= 1
            moved.append(slot)
        moved.sort()
        for slot in moved:
            self._owner[slot] = node
        self._slots[node] = moved
        return list(moved)

    def remove_node(self, node: str) -> list[int]:
        _check_node(node)
        if node not in self._slots:
            raise KeyError(f"node {node!r} is not in the slot map")
        leaving = self._slots.pop(node)
        if not self._slots:
            self._owner = [None] * SLOTS
            return []
        counts = self.counts
        for slot in leaving:
            taker = self.recipient(counts)
            self._slots[taker].append(slot)
            self._owner[slot] = taker
            counts[taker] += 1
        for slots in self._slots.values():
            slots.sort()
        return list(leaving)

    # -- lookups --

    def owner(self, slot: int) -> str:
        if isinstance(slot, bool) or not isinstance(slot, int):
            raise TypeError(f"slot must be an int, got {type(slot).__name__}")
        if not 0 <= slot < SLOTS:
            raise ValueError(f"slot must be in 0 .. {SLOTS - 1}, got {slot}")
        node = self._owner[slot]
        if node is None:
            raise LookupError("the slot map has no nodes")
        return node

    def node_for(self, key: str | bytes) -> str:
        return self.owner(key_slot(key))

    def slots(self, node: str) -> list[int]:
        if node not in self._slots:
            raise KeyError(f"node {node!r} is not in the slot map")
        return list(self._slots[node])

    @property
    def counts(self) -> dict[str, int]:
        return {node: len(slots) for node, slots in self._slots.items()}

    @property
    def nodes(self) -> frozenset[str]:
        return frozenset(self._slots)

    def __len__(self) -> int:
        return len(self._slots)

    def __contains__(self, node: object) -> bool:
        return node in self._slots

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.counts!r})"
