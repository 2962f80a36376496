"""Kata 12, ``consistent_hash``: a hash ring, bounded loads, and Redis Cluster's key slots.

Spread keys over cache nodes so that every client computes the same node for a key, and
so that adding or removing a node moves as few keys as possible: ``hash(key) % n`` moves
almost every key when ``n`` changes; a ring moves about ``1/n`` of them.

Run the tests with ``make test KATA=consistent_hash`` (add ``PART=1`` for one part).

Part 1, ``HashRing``: a ring of virtual nodes; ``node_for(key)`` by binary search.

Part 2, ``HashRing.walk`` and ``BoundedLoadRing``: consistent hashing with bounded loads
    (Mirrokni, Thorup and Zadimoghaddam, 2017): no node gets more than
    ``ceil((1 + epsilon) * average)`` keys; a key that would overflow its node walks on
    round the ring.

Part 3, ``crc16``, ``key_slot`` and ``SlotMap``: Redis Cluster's 16384 slots, hash tags,
    and a slot map that stays even while moving the fewest slots when nodes come and go.

Common rules (every part):

- A node is a non-empty ``str`` (``TypeError`` naming ``node`` for any other type,
  ``ValueError`` naming ``node`` for ``""``).
- A key is a ``str`` or ``bytes``; a ``str`` stands for its UTF-8 bytes, so ``"k"`` and
  ``b"k"`` are the same key everywhere. Anything else: ``TypeError`` naming ``key``.
- ``nodes`` arguments are iterables of node names, added in the order given. A bare
  ``str`` is refused (``TypeError`` naming ``nodes``: ``"abc"`` is not three nodes), and
  so is a name given twice (``ValueError`` naming the node).
- Bad input raises at once and changes nothing. ``bool`` is never an ``int`` here.
- Every answer is a function of the calls made, never of the process: no builtin
  ``hash()`` (salted per process for str and bytes), and no iteration over a ``set`` where
  the order could change an answer. The tests compare with a fresh interpreter.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

DEFAULT_VNODES = 160
DEFAULT_EPSILON = 0.25
SLOTS = 16384  # Redis Cluster's hash slots: 0 .. 16383


# --- Part 1 ---------------------------------------------------------------------------------


class HashRing:
    """Consistent hashing with ``vnodes`` virtual nodes per node.

    The ring is the integers ``0 .. 2**32 - 1``, closed into a circle. Decisions that make
    every implementation agree, point for point (as every client of one cache cluster
    must, whatever its language):

    - The *position* of bytes ``b`` is ``int.from_bytes(hashlib.md5(b).digest()[:4],
      "big")``: the first four bytes of the MD5 digest, big-endian. A key's position is
      the position of its bytes (a ``str``: UTF-8).
    - Node ``n`` has the points ``position(f"{n}#{i}")`` for ``i`` in ``0 .. vnodes - 1``
      (its *labels* ``"n#0"``, ``"n#1"``, ...; the ``#`` keeps node ``"a1"`` vnode 0,
      ``"a1#0"``, apart from node ``"a"`` vnode 10, ``"a#10"``).
    - Points are ordered by ``(position, node)``. A key belongs to the first point in that
      order whose position is at or after the key's position (``>=``, so the key
      ``"n#0"`` belongs to node ``n``), and to the very first point when no position is
      that large: the ring wraps around.
    - Two nodes' points may share a position (32 bits: it happens in real clusters).
      Both stay on the ring, and by the order above the node whose name sorts first
      (``str`` comparison) owns that position; if it leaves, the other one does. So a
      ring is a function of its set of nodes: the order in which nodes were added or
      removed never changes an answer.

    ``HashRing(nodes=(), *, vnodes=160)``: ``vnodes`` is an ``int`` >= 1 (``TypeError`` /
    ``ValueError`` naming ``vnodes``).

    Properties that follow (the tests check them): adding a node moves only keys that now
    belong to the new node; removing a node moves only its own keys; either moves about
    ``1/n`` of the keys. With the default 160 virtual nodes, every node of a ring of 2 to
    50 nodes owns between 0.5 and 1.5 times the average share of keys (typically within
    10%); with one point per node the shares are wildly uneven.

    Complexity, with ``P = len(nodes) * vnodes`` points: ``node_for`` is one MD5 and a
    binary search (``bisect``), O(log P); ``add_node`` O(P + vnodes log vnodes);
    ``remove_node`` and ``points`` O(P); building from ``nodes`` O(P log P).

    Threads: ``node_for`` (and ``walk``, Part 2) may run in any number of threads while
    one other thread adds or removes nodes: each lookup sees the ring before or after a
    change, never a ring half changed (build the new point lists aside, then swap them in
    with one assignment). Two threads changing one ring at once need the caller's lock.
    """

    def __init__(self, nodes: Iterable[str] = (), *, vnodes: int = DEFAULT_VNODES) -> None:
        """A ring holding ``nodes`` (see the module docstring for their rules)."""
        raise NotImplementedError

    @property
    def vnodes(self) -> int:
        """The virtual nodes per node, as given. Read-only."""
        raise NotImplementedError

    @property
    def nodes(self) -> frozenset[str]:
        """The names of the nodes on the ring."""
        raise NotImplementedError

    @property
    def points(self) -> list[tuple[int, str]]:
        """A new list of every virtual node as ``(position, node)``, in ring order.

        ``len(nodes) * vnodes`` pairs, sorted (by position, then node name).
        """
        raise NotImplementedError

    def add_node(self, node: str) -> None:
        """Put ``node``'s ``vnodes`` points on the ring.

        ``ValueError`` naming the node if it is on the ring already.
        """
        raise NotImplementedError

    def remove_node(self, node: str) -> None:
        """Take ``node``'s points off the ring. ``KeyError`` naming it if it is not there."""
        raise NotImplementedError

    def node_for(self, key: str | bytes) -> str:
        """The node owning ``key``: the owner of the first point at or after its position.

        ``LookupError`` if the ring has no node (not None: there is no node to return).
        """
        raise NotImplementedError

    def __len__(self) -> int:
        """How many nodes are on the ring (not points)."""
        raise NotImplementedError

    def __contains__(self, node: object) -> bool:
        """Whether ``node`` is on the ring (False for anything that is not a node name)."""
        raise NotImplementedError

    # --- Part 2 -----------------------------------------------------------------------------

    def walk(self, key: str | bytes) -> Iterator[str]:
        """Every node once, in the order their first point comes walking round the ring
        from ``key``'s position (the first is ``node_for(key)``).

        An iterator (a generator is fine), lazy: taking the first few nodes costs a binary
        search plus the points walked over, not O(P). Nothing for an empty ring. This is
        Dynamo's preference list: the first ``r`` nodes hold a key's ``r`` replicas.
        """
        raise NotImplementedError


# --- Part 2 ---------------------------------------------------------------------------------


class BoundedLoadRing(HashRing):
    """A ``HashRing`` that assigns keys so that no node holds too many of them.

    Consistent hashing with bounded loads: the ring decides where a key *wants* to go,
    and a cap decides whether it may. With ``m`` keys assigned (counting the one being
    placed) and ``n`` nodes, a node may hold at most::

        capacity = ceil((1 + epsilon) * m / n)

    keys. Decision: computed exactly, in rational arithmetic, with ``epsilon`` taken as the
    decimal it is written as (``0.12`` is twelve hundredths: ``fractions.Fraction(str(eps))``).
    In floats, ``(1 + 0.12) * 25 / 2`` is ``14.000000000000002``: its ceiling is 15, not 14.

    ``BoundedLoadRing(nodes=(), *, vnodes=160, epsilon=0.25)``: ``epsilon`` is an ``int``
    or ``float``, finite and > 0 (``TypeError`` / ``ValueError`` naming ``epsilon``).
    ``node_for``, ``walk``, ``points``, ``nodes``, ``len()`` and ``in`` are the ring's,
    unaffected by assignments.

    ``assign(key) -> str``:

    - A key already assigned stays where it is: its node is returned, nothing changes.
    - A new key walks the ring from its position (``walk(key)``) and goes to the first
      node holding fewer than ``capacity`` keys, ``m`` counting this key. So while loads
      are below the cap, ``assign(key) == node_for(key)``. Some node always has room
      (the loads add up to ``m - 1 < n * capacity``).
    - ``LookupError`` if the ring has no node.

    ``release(key) -> bool``: the key is no longer assigned; True if it was. No other key
    moves (the cap shrinks with ``m``, so a node may be over the new cap for a while: the
    bound holds for each node at the moment ``assign`` chooses it).

    ``node_of(key) -> str | None``: the node ``key`` is assigned to, None if it is not.

    ``loads`` (property): a new ``dict`` of every node to its number of assigned keys
    (0 included).

    Decisions on membership:

    - ``add_node``: the new node starts empty; no assigned key moves (an assignment is
      sticky: moving it would cost the cache miss the ring exists to avoid). New keys
      see the new node and the new cap at once.
    - ``remove_node``: the node's keys are placed again, one at a time, oldest assignment
      first (the order in which they were assigned, a key released and assigned again
      counting as new), each as ``assign`` places a new key, on the remaining nodes and
      with ``m`` unchanged (they are still assigned). Removing the last node releases
      every key.

    Complexity: ``assign`` O(log P + the points walked); ``release`` and ``node_of`` O(1);
    ``remove_node`` O(P + m). Not thread-safe: a caller sharing one across threads locks.
    """

    def __init__(
        self,
        nodes: Iterable[str] = (),
        *,
        vnodes: int = DEFAULT_VNODES,
        epsilon: float = DEFAULT_EPSILON,
    ) -> None:
        raise NotImplementedError

    @property
    def epsilon(self) -> float:
        """``epsilon`` as given. Read-only."""
        raise NotImplementedError

    @property
    def loads(self) -> dict[str, int]:
        raise NotImplementedError

    def assign(self, key: str | bytes) -> str:
        raise NotImplementedError

    def release(self, key: str | bytes) -> bool:
        raise NotImplementedError

    def node_of(self, key: str | bytes) -> str | None:
        raise NotImplementedError

    def add_node(self, node: str) -> None:
        raise NotImplementedError

    def remove_node(self, node: str) -> None:
        raise NotImplementedError


# --- Part 3 ---------------------------------------------------------------------------------


def crc16(data: bytes) -> int:
    """CRC-16/XMODEM of ``data``, as Redis Cluster computes it: polynomial 0x1021, initial
    value 0, no reflection, no final XOR. ``crc16(b"123456789") == 0x31C3`` (12739).

    Write it yourself (bit by bit, then with a 256-entry table): the tests read this
    module's source, and ``binascii.crc_hqx`` or ``redis.crc`` doing it for you is caught.
    ``TypeError`` naming ``data`` unless ``data`` is ``bytes``.
    """
    raise NotImplementedError


def key_slot(key: str | bytes) -> int:
    """The Redis Cluster hash slot of ``key``: ``crc16(hashed) % 16384``.

    ``hashed`` is the key's bytes, unless the key has a *hash tag*: if it contains a
    ``{``, and a ``}`` somewhere after the first ``{``, and at least one byte lies between
    that first ``{`` and the first ``}`` after it, only those bytes are hashed. So
    ``{user1000}.following`` and ``{user1000}.followers`` share a slot (a multi-key
    command on them works in a cluster), ``foo{}{bar}`` hashes whole (the first ``{`` is
    followed at once by ``}``), ``foo{{bar}}zap`` hashes ``{bar``, and ``foo{bar}{zap}``
    hashes ``bar``. The answer equals ``CLUSTER KEYSLOT`` on a real server.
    """
    raise NotImplementedError


class SlotMap:
    """Which node serves each of Redis Cluster's 16384 slots.

    Even: every node owns ``16384 // n`` or ``16384 // n + 1`` slots. When a node joins
    or leaves, the fewest slots move that leave the map even, and no other:

    - a node joins ``n`` others (``n >= 1``): it takes exactly ``16384 // (n + 1)`` slots
      (the least its even share can be), each from some other node; no other slot moves;
    - a node leaves: only its slots move, each to one of the remaining nodes.

    Which slots move is yours to choose, but deterministically: the same calls in the
    same order give the same map in every process.

    ``SlotMap(nodes=())``: the nodes join one at a time, in the order given.

    ``add_node(node) -> list[int]``: the slots that moved to ``node``, ascending. The
    first node takes every slot, and returns ``[]`` (no slot had an owner to move from).
    ``ValueError`` naming the node if it is already in the map.

    ``remove_node(node) -> list[int]``: the slots that moved away from ``node`` to other
    nodes, ascending; when the last node leaves, its slots have no owner any more, and it
    returns ``[]``. ``KeyError`` naming the node if it is not in the map.

    ``owner(slot) -> str``: ``slot`` is an ``int`` in ``0 .. 16383`` (``TypeError`` /
    ``ValueError`` naming ``slot``); ``LookupError`` if the map has no node. O(1).

    ``node_for(key) -> str``: ``owner(key_slot(key))``.

    ``slots(node) -> list[int]``: a new ascending list of ``node``'s slots; ``KeyError``
    naming it if it is not in the map.

    ``counts`` (property): a new ``dict`` of every node to how many slots it owns.
    ``nodes`` (property): a ``frozenset`` of the node names. ``len()``: the number of
    nodes; ``in``: whether a node is in the map.

    Complexity: ``owner`` and ``node_for`` O(1); ``add_node`` and ``remove_node``
    O(16384 + n). Not thread-safe.
    """

    def __init__(self, nodes: Iterable[str] = ()) -> None:
        raise NotImplementedError

    def add_node(self, node: str) -> list[int]:
        raise NotImplementedError

    def remove_node(self, node: str) -> list[int]:
        raise NotImplementedError

    def owner(self, slot: int) -> str:
        raise NotImplementedError

    def node_for(self, key: str | bytes) -> str:
        raise NotImplementedError

    def slots(self, node: str) -> list[int]:
        raise NotImplementedError

    @property
    def counts(self) -> dict[str, int]:
        raise NotImplementedError

    @property
    def nodes(self) -> frozenset[str]:
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError

    def __contains__(self, node: object) -> bool:
        raise NotImplementedError
