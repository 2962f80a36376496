"""Kata 2, ``ttl``: a TTL cache with auto-expiry, and a decorator on it.

Run the tests with ``make test KATA=ttl`` (add ``PART=1`` for one part).

Time: every time-dependent call reads the injected ``clock`` (a zero-argument callable
returning seconds, default ``time.monotonic``; the tests pass a fake clock they move by
hand). An entry set at time ``t`` with ttl ``d`` is *live* while ``clock() < t + d`` and
*expired* from ``t + d`` on (at exactly ``t + d`` it is already expired). An expired entry
is never returned, never counted by ``len`` and never ``in`` the cache. ``None`` and falsy
values (``0``, ``False``, ``""``) are cached like any other value.

Part 1, ``TTLCache`` basics
    ``set``/``get``/``remaining``/``delete``/``clear``/``len``/``in`` with a default ttl and a
    per-entry ttl, the expiry boundary above, and bad input.

Part 2, capacity and reclamation
    - Eviction: inserting a NEW key into a full cache (``maxsize`` live entries) first drops
      the expired entries, then, if still full, evicts the least recently used live entry.
      Replacing an existing key evicts nothing. Uses: ``get`` on a hit and ``set``; ``in``,
      ``remaining`` and ``len`` are not uses.
    - Auto-expiry: every ``set`` drops all expired entries (nobody has to read them first),
      so a write-only cache never holds a reference to an expired value after the next
      ``set``. Cost: amortised O(log n) per entry, so keep expiry times in a heap or another
      expiry-ordered structure; scanning every entry on each ``set`` (O(n)) is too slow.
    - ``expire()`` drops all expired entries now and returns how many IT removed. Any other
      operation may also drop expired entries along the way (lazily in ``get``, or not at
      all; your choice), but an entry already dropped, replaced, deleted or evicted is never
      counted (again). Right after ``expire()``, ``expire()`` returns 0.
    - Copies: ``copy.deepcopy(cache)``, and ``pickle.loads(pickle.dumps(cache))`` when the
      clock pickles (``time.monotonic`` does), give an independent cache that, at that
      instant, has the same ``maxsize`` and default ttl, the same live entries with copies
      of their values, each with the same ``remaining()``, and the same use order (it
      evicts the same keys next). At any size: a copy of 100,000 entries works, so nothing
      may recurse once per entry (pickling a linked list node by node does, and raises
      ``RecursionError``).

Part 3, ``ttl_cache``
    A memoising decorator built on ``TTLCache``: see its docstring.

Bad input fails at once, naming the argument in the message, and changes nothing:
``TypeError`` for a wrong type, ``ValueError`` for a wrong value.

- ``maxsize``: an ``int`` >= 1. ``bool``, ``None``, ``float``, ``str``: ``TypeError``;
  ``0`` or negative: ``ValueError``.
- ``ttl`` (the default, and per entry): an ``int`` or ``float`` of seconds, positive and
  finite. ``bool``, ``str``, ... (and ``None`` as the default ttl): ``TypeError``; ``0``,
  negative, NaN, infinite: ``ValueError`` (an ``int`` too large for a float, such as
  ``10**400``, counts as infinite).
- An unhashable key: ``TypeError`` (as from a ``dict``).

Thread safety is not part of this kata: ``TTLCache`` need not be thread-safe (neither is
``dict``). Sharing one across threads means holding a lock around every call.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Generic, NamedTuple, TypeVar, overload

__all__ = ["CacheInfo", "TTLCache", "ttl_cache"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
D = TypeVar("D")
R = TypeVar("R")

Clock = Callable[[], float]


class TTLCache(Generic[K, V]):
    """At most ``maxsize`` entries, each live for ``ttl`` seconds after it was set.

    ``TTLCache(maxsize=128, ttl=60.0, *, clock=time.monotonic)``. See the module docstring
    for validation (``maxsize`` and ``ttl`` are checked here, before anything else).
    """

    def __init__(
        self, maxsize: int = 128, ttl: float = 60.0, *, clock: Clock = time.monotonic
    ) -> None:
        raise NotImplementedError

    def set(self, key: K, value: V, ttl: float | None = None) -> None:
        """Store ``value`` under ``key``, live for ``ttl`` seconds from now.

        ``ttl=None`` means the cache's default ttl; any other ttl is validated like the
        default (a bad one raises and leaves the cache exactly as it was). Setting a key
        again replaces its value and restarts its ttl. Drops every expired entry (Part 2),
        and makes ``key`` the most recently used; a new key in a full cache evicts the least
        recently used live entry.
        """
        raise NotImplementedError

    @overload
    def get(self, key: K) -> V | None: ...
    @overload
    def get(self, key: K, default: D) -> V | D: ...

    def get(self, key: K, default: object = None) -> object:
        """The value of a live entry (and it becomes the most recently used), else ``default``.

        An expired entry gives ``default`` even if it is still stored.
        """
        raise NotImplementedError

    def remaining(self, key: K) -> float | None:
        """Seconds until ``key`` expires (``t + ttl - clock()``, always > 0), or ``None`` if
        it is missing or expired. Not a use."""
        raise NotImplementedError

    def delete(self, key: K) -> bool:
        """Remove ``key``. ``True`` if a live entry was removed; ``False`` if the key was
        missing or already expired."""
        raise NotImplementedError

    def expire(self) -> int:
        """Drop all expired entries now; return how many this call removed.

        Entries that other operations already dropped are not counted again.
        """
        raise NotImplementedError

    def clear(self) -> None:
        """Remove every entry."""
        raise NotImplementedError

    def __len__(self) -> int:
        """The number of live entries. Not a use."""
        raise NotImplementedError

    def __contains__(self, key: object) -> bool:
        """Whether ``key`` has a live entry. Not a use."""
        raise NotImplementedError


class CacheInfo(NamedTuple):
    """What ``cache_info()`` returns, as in ``functools``: (hits, misses, maxsize, currsize)."""

    hits: int
    misses: int
    maxsize: int
    currsize: int


def ttl_cache(
    maxsize: int = 128, ttl: float = 60.0, *, clock: Clock = time.monotonic, typed: bool = False
) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """A decorator that caches results in a ``TTLCache(maxsize, ttl, clock=clock)``.

    Always called: ``@ttl_cache()`` or ``@ttl_cache(maxsize=100, ttl=30.0)``. Each decorated
    function gets its own cache.

    - A call whose arguments have a live entry returns the cached result (a hit, and a use);
      otherwise the function runs and its result is stored (a miss). ``None`` and falsy
      results (``0``, ``""``, ``False``, ``[]``) are results like any other: cached, and
      hits.
    - An exception from the function propagates and nothing is cached.
    - Keys are built from the positional and keyword arguments as ``functools.lru_cache``
      builds them: equal arguments share an entry (``f(0.5)`` and ``f(Fraction(1, 2))``),
      different ones never collide (``f(1)`` and ``f("1")``); ``typed=True`` also keeps
      arguments of different types apart (``f(3)`` and ``f(3.0)``). An unhashable argument
      raises ``TypeError``. As in ``functools``, each argument's ``__hash__`` runs once
      per call, hit or miss, however many times the cache looks the key up.
    - An argument's ``__eq__`` or ``__hash__`` may itself call the decorated function (the
      cache compares keys while it looks one up): that call works too, with no deadlock,
      and every call gets the right result.
    - ``maxsize`` is an ``int`` >= 1 (there is no unbounded form) and ``ttl`` is validated as
      for ``TTLCache``: bad values raise when ``ttl_cache(...)`` is called.
    - It works on methods, as a function does: ``self`` is an argument like any other (part
      of the key), and the class attribute is the wrapper itself
      (``Class.method.cache_info()``).
    - The wrapper carries ``functools.wraps`` metadata (``__name__``, ``__doc__``,
      ``__wrapped__``, ...), and:

      - ``cache_info()`` returns ``CacheInfo(hits, misses, maxsize, currsize)``;
        ``currsize`` counts live entries only;
      - ``cache_clear()`` empties the cache and resets hits and misses to 0.
    """
    raise NotImplementedError
