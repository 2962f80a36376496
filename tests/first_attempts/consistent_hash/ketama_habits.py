"""A first attempt by someone who has used ketama clients and uhashring, written from the stub.

Its mistakes, in the order a learner meets them:

1. ``node_for`` finds the point with ``bisect.bisect`` (that is ``bisect_right``), as
   uhashring does: a key sitting exactly on a point goes to the next point.
2. The points live in a dict ``{position: node}``, changed in place: when two nodes'
   points share a position, the node added last overwrites the other, so the ring
   depends on the order of ``add_node`` calls (and removing that node leaves a hole); and
   a lookup in another thread during ``remove_node`` can find a position in the sorted
   list whose dict entry is already gone (a KeyError).
3. The bounded-load cap is ``math.ceil((1 + epsilon) * m / n)`` in floats.
4. A node joining the slot map takes ``ceil(16384 / n)`` slots, one more than needed.
"""

import bisect
import hashlib
import math

DEFAULT_VNODES = 160
DEFAULT_EPSILON = 0.25
SLOTS = 16384


def _hashi(data):
    return int.from_bytes(hashlib.md5(data).digest()[:4], "big")


def _to_bytes(key):
    if isinstance(key, str):
        return key.encode("utf-8")
    if isinstance(key, bytes):
        return key
    raise TypeError("key must be str or bytes, not %s" % type(key).__name__)


def _check_name(node):
    if not isinstance(node, str):
        raise TypeError("node must be a str")
    if node == "":
        raise ValueError("node must not be empty")


class HashRing:
    def __init__(self, nodes=(), *, vnodes=DEFAULT_VNODES):
        if type(vnodes) is not int:
            raise TypeError("vnodes must be an int")
        if vnodes < 1:
            raise ValueError("vnodes must be at least 1")
        if isinstance(nodes, str):
            raise TypeError("nodes must be a list of node names, not a str")
        self._vnodes = vnodes
        self._ring = {}
        self._sorted_keys = []
        self._nodes = {}
        for node in nodes:
            self.add_node(node)

    @property
    def vnodes(self):
        return self._vnodes

    @property
    def nodes(self):
        return frozenset(self._nodes)

    @property
    def points(self):
        ring = self._ring
        return [(h, ring[h]) for h in self._sorted_keys]

    def add_node(self, node):
        _check_name(node)
        if node in self._nodes:
            raise ValueError("node %r is already on the ring" % node)
        hashes = []
        for i in range(self._vnodes):
            h = _hashi(("%s#%d" % (node, i)).encode("utf-8"))
            self._ring[h] = node
            hashes.append(h)
        self._nodes[node] = hashes
        self._sorted_keys = sorted(self._ring)

    def remove_node(self, node):
        _check_name(node)
        if node not in self._nodes:
            raise KeyError("node %r is not on the ring" % node)
        for h in self._nodes.pop(node):
            self._ring.pop(h, None)
        self._sorted_keys = sorted(self._ring)

    def _index(self, key):
        keys = self._sorted_keys
        pos = bisect.bisect(keys, _hashi(_to_bytes(key)))
        if pos == len(keys):
            pos = 0
        return pos

    def node_for(self, key):
        if not self._sorted_keys:
            raise LookupError("no nodes in the ring")
        return self._ring[self._sorted_keys[self._index(key)]]

    def walk(self, key):
        keys = self._sorted_keys
        if not keys:
            return
        start = self._index(key)
        seen = set()
        for i in range(len(keys)):
            node = self._ring[keys[(start + i) % len(keys)]]
            if node not in seen:
                seen.add(node)
                yield node

    def __len__(self):
        return len(self._nodes)

    def __contains__(self, node):
        return node in self._nodes


class BoundedLoadRing(HashRing):
    def __init__(self, nodes=(), *, vnodes=DEFAULT_VNODES, epsilon=DEFAULT_EPSILON):
        if isinstance(epsilon, bool) or not isinstance(epsilon, (int, float)):
            raise TypeError("epsilon must be a number")
        if not (epsilon > 0 and epsilon != float("inf")):
            raise ValueError("epsilon must be > 0 and finite")
        self._epsilon = epsilon
        self._assigned = {}
        self._loads = {}
        super().__init__(nodes, vnodes=vnodes)

    @property
    def epsilon(self):
        return self._epsilon

    @property
    def loads(self):
        return dict(self._loads)

    def _cap(self, m):
        return math.ceil((1 + self._epsilon) * m / len(self._loads))

    def _place(self, key, m):
        cap = self._cap(m)
        for node in self.walk(key):
            if self._loads[node] < cap:
                return node
        raise RuntimeError("every node is full")

    def assign(self, key):
        key = _to_bytes(key)
        if key in self._assigned:
            return self._assigned[key]
        if not self._loads:
            raise LookupError("no nodes")
        node = self._place(key, len(self._assigned) + 1)
        self._assigned[key] = node
        self._loads[node] += 1
        return node

    def release(self, key):
        node = self._assigned.pop(_to_bytes(key), None)
        if node is None:
            return False
        self._loads[node] -= 1
        return True

    def node_of(self, key):
        return self._assigned.get(_to_bytes(key))

    def add_node(self, node):
        super().add_node(node)
        self._loads[node] = 0

    def remove_node(self, node):
        super().remove_node(node)
        del self._loads[node]
        if not self._loads:
            self._assigned.clear()
            return
        m = len(self._assigned)
        for key in [k for k, n in self._assigned.items() if n == node]:
            new = self._place(key, m)
            self._assigned[key] = new
            self._loads[new] += 1


def crc16(data):
    if not isinstance(data, bytes):
        raise TypeError("data must be bytes")
    crc = 0
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            if crc & 0x8000:
                crc = ((crc << 1) ^ 0x1021) & 0xFFFF
            else:
                crc = (crc << 1) & 0xFFFF
    return crc


def key_slot(key):
    key = _to_bytes(key)
    start = key.find(b"{")
    if start >= 0:
        end = key.find(b"}", start + 1)
        if end > start + 1:
            key = key[start + 1:end]
    return crc16(key) % SLOTS


class SlotMap:
    def __init__(self, nodes=()):
        if isinstance(nodes, str):
            raise TypeError("nodes must be a list of node names")
        self._owner = [None] * SLOTS
        self._by_node = {}
        nodes = list(nodes)
        for node in nodes:
            if nodes.count(node) > 1:
                raise ValueError("node %r given twice" % node)
        for node in nodes:
            self.add_node(node)

    def add_node(self, node):
        _check_name(node)
        if node in self._by_node:
            raise ValueError("node %r already in the map" % node)
        if not self._by_node:
            self._by_node[node] = list(range(SLOTS))
            self._owner = [node] * SLOTS
            return []
        take = -(-SLOTS // (len(self._by_node) + 1))
        moved = []
        for _ in range(take):
            donor = max(sorted(self._by_node), key=lambda n: len(self._by_node[n]))
            moved.append(self._by_node[donor].pop())
        moved.sort()
        for slot in moved:
            self._owner[slot] = node
        self._by_node[node] = moved
        return list(moved)

    def remove_node(self, node):
        _check_name(node)
        if node not in self._by_node:
            raise KeyError("node %r not in the map" % node)
        slots = self._by_node.pop(node)
        if not self._by_node:
            self._owner = [None] * SLOTS
            return []
        for slot in slots:
            taker = min(sorted(self._by_node), key=lambda n: len(self._by_node[n]))
            self._by_node[taker].append(slot)
            self._owner[slot] = taker
        for mine in self._by_node.values():
            mine.sort()
        return list(slots)

    def owner(self, slot):
        if type(slot) is not int:
            raise TypeError("slot must be an int")
        if slot < 0 or slot >= SLOTS:
            raise ValueError("slot must be in 0..16383")
        if self._owner[slot] is None:
            raise LookupError("no nodes")
        return self._owner[slot]

    def node_for(self, key):
        return self.owner(key_slot(key))

    def slots(self, node):
        if node not in self._by_node:
            raise KeyError("node %r not in the map" % node)
        return list(self._by_node[node])

    @property
    def counts(self):
        return {n: len(s) for n, s in self._by_node.items()}

    @property
    def nodes(self):
        return frozenset(self._by_node)

    def __len__(self):
        return len(self._by_node)

    def __contains__(self, node):
        return node in self._by_node


# The first failure a learner sees, checked by make verify:
KILLED_BY = "TestPart1Placement::test_a_key_on_a_point_belongs_to_that_point"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"bisect_left"
LOOKS_LIKE = ("bisect_right",)
