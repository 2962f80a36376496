"""A first attempt by a careful candidate who got the ring right and hurried the rest.

Its mistakes, in the order a learner meets them:

1. The bounded-load cap is ``math.ceil((1 + epsilon) * m / n)`` in floats: at
   ``(1 + 0.12) * 25 / 2`` the float is 14.000000000000002 and the cap 15, not 14.
2. The hash tag ends at the last ``}`` of the key (``rfind``), not the first one after
   the ``{``.
3. The slot map is rebuilt from scratch on every change: node i of n gets the i-th
   contiguous range, so a join moves far more than the newcomer's share.
"""

import bisect
import hashlib
import math
import struct

DEFAULT_VNODES = 160
DEFAULT_EPSILON = 0.25
SLOTS = 16384

_UNPACK = struct.Struct(">I").unpack_from


def _pos(data):
    return _UNPACK(hashlib.md5(data).digest())[0]


def _key(key):
    if isinstance(key, str):
        return key.encode("utf-8")
    if isinstance(key, bytes):
        return key
    raise TypeError("key must be str or bytes, got " + type(key).__name__)


def _node(node):
    if not isinstance(node, str):
        raise TypeError("node must be a str, got " + type(node).__name__)
    if not node:
        raise ValueError("node must not be empty")
    return node


def _node_list(nodes):
    if isinstance(nodes, (str, bytes)):
        raise TypeError("nodes must be an iterable of str, not a single " + type(nodes).__name__)
    result = []
    for node in nodes:
        if _node(node) in result:
            raise ValueError("node %r appears twice in nodes" % node)
        result.append(node)
    return result


class HashRing:
    """Copy-on-write: every change builds a new (positions, owners) pair."""

    def __init__(self, nodes=(), *, vnodes=DEFAULT_VNODES):
        if isinstance(vnodes, bool) or not isinstance(vnodes, int):
            raise TypeError("vnodes must be an int")
        if vnodes < 1:
            raise ValueError("vnodes must be >= 1")
        self._vnodes = vnodes
        names = _node_list(nodes)
        self._members = frozenset(names)
        self._state = self._build(sorted(p for n in names for p in self._points_of(n)))

    def _points_of(self, node):
        return [(_pos(("%s#%d" % (node, i)).encode()), node) for i in range(self._vnodes)]

    @staticmethod
    def _build(points):
        return ([p for p, _ in points], [n for _, n in points])

    @property
    def vnodes(self):
        return self._vnodes

    @property
    def nodes(self):
        return self._members

    @property
    def points(self):
        positions, owners = self._state
        return list(zip(positions, owners))

    def add_node(self, node):
        if _node(node) in self._members:
            raise ValueError("node %r is already on the ring" % node)
        self._state = self._build(sorted(self.points + self._points_of(node)))
        self._members = self._members | {node}

    def remove_node(self, node):
        if _node(node) not in self._members:
            raise KeyError("node %r is not on the ring" % node)
        self._state = self._build([p for p in self.points if p[1] != node])
        self._members = self._members - {node}

    def node_for(self, key):
        h = _pos(_key(key))
        positions, owners = self._state
        if not owners:
            raise LookupError("the ring is empty")
        i = bisect.bisect_left(positions, h)
        return owners[i % len(owners)]

    def walk(self, key):
        h = _pos(_key(key))
        positions, owners = self._state
        return self._walk(positions, owners, h)

    @staticmethod
    def _walk(positions, owners, h):
        seen = set()
        start = bisect.bisect_left(positions, h)
        for i in range(len(owners)):
            node = owners[(start + i) % len(owners)]
            if node not in seen:
                seen.add(node)
                yield node

    def __len__(self):
        return len(self._members)

    def __contains__(self, node):
        return node in self._members


class BoundedLoadRing(HashRing):
    def __init__(self, nodes=(), *, vnodes=DEFAULT_VNODES, epsilon=DEFAULT_EPSILON):
        if isinstance(epsilon, bool) or not isinstance(epsilon, (int, float)):
            raise TypeError("epsilon must be an int or float")
        if not math.isfinite(epsilon) or epsilon <= 0:
            raise ValueError("epsilon must be finite and > 0")
        super().__init__(nodes, vnodes=vnodes)
        self._epsilon = epsilon
        self._owner_of = {}
        self._count = {n: 0 for n in self.nodes}

    @property
    def epsilon(self):
        return self._epsilon

    @property
    def loads(self):
        return dict(self._count)

    def _choose(self, key, m):
        cap = math.ceil((1 + self._epsilon) * m / len(self))
        for node in self.walk(key):
            if self._count[node] < cap:
                return node
        raise AssertionError("unreachable: some node is below the cap")

    def assign(self, key):
        k = _key(key)
        if k in self._owner_of:
            return self._owner_of[k]
        if not self._count:
            raise LookupError("the ring is empty")
        node = self._choose(k, len(self._owner_of) + 1)
        self._owner_of[k] = node
        self._count[node] += 1
        return node

    def release(self, key):
        node = self._owner_of.pop(_key(key), None)
        if node is not None:
            self._count[node] -= 1
        return node is not None

    def node_of(self, key):
        return self._owner_of.get(_key(key))

    def add_node(self, node):
        super().add_node(node)
        self._count[node] = 0

    def remove_node(self, node):
        super().remove_node(node)
        del self._count[node]
        orphans = [k for k, n in self._owner_of.items() if n == node]
        if not self._count:
            self._owner_of.clear()
            return
        m = len(self._owner_of)
        for k in orphans:
            new = self._choose(k, m)
            self._owner_of[k] = new
            self._count[new] += 1


_TABLE = []
for _byte in range(256):
    _crc = _byte << 8
    for _ in range(8):
        _crc = ((_crc << 1) ^ 0x1021) if _crc & 0x8000 else (_crc << 1)
    _TABLE.append(_crc & 0xFFFF)


def crc16(data):
    if not isinstance(data, bytes):
        raise TypeError("data must be bytes")
    crc = 0
    for b in data:
        crc = ((crc << 8) & 0xFFFF) ^ _TABLE[((crc >> 8) ^ b) & 0xFF]
    return crc


def key_slot(key):
    k = _key(key)
    i = k.find(b"{")
    if i != -1:
        j = k.rfind(b"}")
        if j > i + 1:
            k = k[i + 1:j]
    return crc16(k) % SLOTS


class SlotMap:
    def __init__(self, nodes=()):
        self._order = []
        self._table = [None] * SLOTS
        for node in _node_list(nodes):
            self.add_node(node)

    def _rebuild(self):
        before = self._table
        table = [None] * SLOTS
        n = len(self._order)
        for i, node in enumerate(self._order):
            lo, hi = SLOTS * i // n, SLOTS * (i + 1) // n
            table[lo:hi] = [node] * (hi - lo)
        self._table = table
        return before

    def add_node(self, node):
        if _node(node) in self._order:
            raise ValueError("node %r is already in the map" % node)
        self._order.append(node)
        before = self._rebuild()
        return [s for s in range(SLOTS) if before[s] is not None and self._table[s] == node]

    def remove_node(self, node):
        if _node(node) not in self._order:
            raise KeyError("node %r is not in the map" % node)
        self._order.remove(node)
        if not self._order:
            self._table = [None] * SLOTS
            return []
        before = self._rebuild()
        return [s for s in range(SLOTS) if before[s] == node]

    def owner(self, slot):
        if isinstance(slot, bool) or not isinstance(slot, int):
            raise TypeError("slot must be an int")
        if not 0 <= slot < SLOTS:
            raise ValueError("slot must be in 0..16383")
        node = self._table[slot]
        if node is None:
            raise LookupError("the map is empty")
        return node

    def node_for(self, key):
        return self.owner(key_slot(key))

    def slots(self, node):
        if node not in self._order:
            raise KeyError("node %r is not in the map" % node)
        return [s for s in range(SLOTS) if self._table[s] == node]

    @property
    def counts(self):
        return {n: len(self.slots(n)) for n in self._order}

    @property
    def nodes(self):
        return frozenset(self._order)

    def __len__(self):
        return len(self._order)

    def __contains__(self, node):
        return node in self._order


# The first failure a learner sees, checked by make verify:
KILLED_BY = "TestPart2BoundedLoads::test_the_cap_is_exact_not_floating_point"
KILLED_WITH = "AssertionError"
LOOKS_LIKE = ("float_capacity",)
