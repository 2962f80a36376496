"""A first attempt written the way one sketches a ring on a whiteboard, from the stub.

Its mistakes, in the order a learner meets them:

1. ``node_for`` on an empty ring returns None ("no node") instead of raising LookupError.
2. ``add_node`` and ``remove_node`` edit the two sorted lists (positions and owners) in
   place, one insert at a time: a reader in another thread can bisect the new positions
   and read the old owners, and get a node that owns neither before nor after.
3. ``crc16`` starts from 0xFFFF, the CCITT-FALSE variant, instead of XMODEM's 0.
4. When a node leaves the slot map, all its slots go to the first remaining node.
"""

from bisect import bisect_left
from hashlib import md5
from fractions import Fraction
import math

DEFAULT_VNODES = 160
DEFAULT_EPSILON = 0.25
SLOTS = 16384


def position(data):
    return int.from_bytes(md5(data).digest()[:4], "big")


def as_bytes(key):
    if isinstance(key, bytes):
        return key
    if isinstance(key, str):
        return key.encode()
    raise TypeError(f"key must be str or bytes, got {key!r}")


def check_node(node):
    if not isinstance(node, str):
        raise TypeError(f"bad node {node!r}: node must be a str")
    if not node:
        raise ValueError("node must be a non-empty string")


def check_nodes(nodes):
    if isinstance(nodes, (str, bytes)):
        raise TypeError("nodes must be an iterable of names")
    nodes = list(nodes)
    for node in nodes:
        check_node(node)
    if len(set(nodes)) < len(nodes):
        for node in nodes:
            if nodes.count(node) > 1:
                raise ValueError(f"duplicate node {node!r}")
    return nodes


class HashRing:
    def __init__(self, nodes=(), *, vnodes=DEFAULT_VNODES):
        if isinstance(vnodes, bool) or not isinstance(vnodes, int):
            raise TypeError("vnodes must be an int")
        if vnodes <= 0:
            raise ValueError("vnodes must be positive")
        self._vnodes = vnodes
        self.hashes = []
        self.owners = []
        for node in check_nodes(nodes):
            self.add_node(node)

    @property
    def vnodes(self):
        return self._vnodes

    @property
    def nodes(self):
        return frozenset(self.owners)

    @property
    def points(self):
        return list(zip(self.hashes, self.owners))

    def add_node(self, node):
        check_node(node)
        if node in self.owners:
            raise ValueError(f"{node!r} is already on the ring")
        for i in range(self._vnodes):
            h = position(f"{node}#{i}".encode())
            at = bisect_left(self.hashes, h)
            while at < len(self.hashes) and self.hashes[at] == h and self.owners[at] < node:
                at += 1
            self.hashes.insert(at, h)
            self.owners.insert(at, node)

    def remove_node(self, node):
        check_node(node)
        if node not in self.owners:
            raise KeyError(f"{node!r} is not on the ring")
        i = 0
        while i < len(self.owners):
            if self.owners[i] == node:
                del self.hashes[i]
                del self.owners[i]
            else:
                i += 1

    def _start(self, key):
        i = bisect_left(self.hashes, position(as_bytes(key)))
        return i if i < len(self.hashes) else 0

    def node_for(self, key):
        if not self.hashes:
            return None
        return self.owners[self._start(key)]

    def walk(self, key):
        start = self._start(key)
        seen = []
        n = len(self.owners)
        for i in range(n):
            owner = self.owners[(start + i) % n]
            if owner not in seen:
                seen.append(owner)
                yield owner

    def __len__(self):
        return len(set(self.owners))

    def __contains__(self, node):
        return node in set(self.owners)


class BoundedLoadRing(HashRing):
    def __init__(self, nodes=(), *, vnodes=DEFAULT_VNODES, epsilon=DEFAULT_EPSILON):
        if isinstance(epsilon, bool) or not isinstance(epsilon, (int, float)):
            raise TypeError("epsilon must be int or float")
        if math.isnan(epsilon) or math.isinf(epsilon) or epsilon <= 0:
            raise ValueError("epsilon must be finite and positive")
        self._epsilon = epsilon
        self.where = {}
        super().__init__(nodes, vnodes=vnodes)

    @property
    def epsilon(self):
        return self._epsilon

    @property
    def loads(self):
        counts = {node: 0 for node in self.nodes}
        for node in self.where.values():
            counts[node] += 1
        return counts

    def cap(self, m):
        return math.ceil((1 + Fraction(str(self._epsilon))) * m / len(self))

    def pick(self, key, m):
        loads = self.loads
        for node in self.walk(key):
            if loads[node] < self.cap(m):
                return node

    def assign(self, key):
        k = as_bytes(key)
        if k in self.where:
            return self.where[k]
        if not len(self):
            raise LookupError("empty ring")
        self.where[k] = self.pick(k, len(self.where) + 1)
        return self.where[k]

    def release(self, key):
        return self.where.pop(as_bytes(key), None) is not None

    def node_of(self, key):
        return self.where.get(as_bytes(key))

    def remove_node(self, node):
        super().remove_node(node)
        if not len(self):
            self.where = {}
            return
        m = len(self.where)
        for k in [k for k, n in self.where.items() if n == node]:
            self.where[k] = self.pick(k, m)


def crc16(data):
    if type(data) is not bytes:
        raise TypeError("data must be bytes")
    crc = 0xFFFF
    for b in data:
        crc ^= b << 8
        for _ in range(8):
            crc = (crc << 1) ^ 0x1021 if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def key_slot(key):
    key = as_bytes(key)
    if b"{" in key:
        s = key.index(b"{")
        e = key.find(b"}", s + 1)
        if e != -1 and e != s + 1:
            key = key[s + 1:e]
    return crc16(key) % SLOTS


class SlotMap:
    def __init__(self, nodes=()):
        self.table = [None] * SLOTS
        self.members = []
        for node in check_nodes(nodes):
            self.add_node(node)

    def add_node(self, node):
        check_node(node)
        if node in self.members:
            raise ValueError(f"{node!r} already in the map")
        self.members.append(node)
        if len(self.members) == 1:
            self.table = [node] * SLOTS
            return []
        owned = {n: [s for s in range(SLOTS) if self.table[s] == n] for n in self.members}
        moved = []
        for _ in range(SLOTS // len(self.members)):
            donor = max(sorted(owned), key=lambda n: len(owned[n]))
            slot = owned[donor].pop()
            self.table[slot] = node
            moved.append(slot)
        return sorted(moved)

    def remove_node(self, node):
        check_node(node)
        if node not in self.members:
            raise KeyError(f"{node!r} not in the map")
        self.members.remove(node)
        mine = [s for s in range(SLOTS) if self.table[s] == node]
        if not self.members:
            self.table = [None] * SLOTS
            return []
        heir = sorted(self.members)[0]
        for s in mine:
            self.table[s] = heir
        return mine

    def owner(self, slot):
        if isinstance(slot, bool) or not isinstance(slot, int):
            raise TypeError("slot must be an int")
        if not 0 <= slot < SLOTS:
            raise ValueError("slot out of range")
        if self.table[slot] is None:
            raise LookupError("no nodes")
        return self.table[slot]

    def node_for(self, key):
        return self.owner(key_slot(key))

    def slots(self, node):
        if node not in self.members:
            raise KeyError(f"{node!r} not in the map")
        return [s for s in range(SLOTS) if self.table[s] == node]

    @property
    def counts(self):
        c = {n: 0 for n in self.members}
        for n in self.table:
            if n is not None:
                c[n] += 1
        return c

    @property
    def nodes(self):
        return frozenset(self.members)

    def __len__(self):
        return len(self.members)

    def __contains__(self, node):
        return node in self.members


# The first failure a learner sees, checked by make verify:
KILLED_BY = "TestPart1Placement::test_an_empty_ring_raises_lookup_error"
KILLED_WITH = "Failed"
LOOKS_LIKE = ("empty_ring_returns_none",)
