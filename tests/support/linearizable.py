"""Is a concurrent history linearizable? Real threads record what they called and what
they got back; a checker looks for one sequential order that explains every result.

A thread-safe cache must behave as if its operations happened one at a time, each at some
instant between its call and its return. :class:`History` records each operation's call
and return on one global counter; :func:`check` searches (Wing and Gong's algorithm, with
memoised states) for an order that respects real time (an operation that returned before
another was called comes first) and in which a plain sequential model gives every
recorded result. Keep histories small (a few threads, a few operations each): the search
is exponential in the number of overlapping operations.
"""

from __future__ import annotations

import itertools
import random
import threading
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from tests.support.threads import run_together

S = TypeVar("S", bound=Hashable)  # a model state: immutable, so it can be memoised


@dataclass(frozen=True)
class Operation:
    thread: int
    name: str
    args: tuple[Any, ...]
    result: Any
    called: int
    returned: int

    def __str__(self) -> str:
        args = ", ".join(map(repr, self.args))
        return f"thread {self.thread}: {self.name}({args}) -> {self.result!r}"


@dataclass
class History:
    """Operations recorded by several threads, each stamped on one shared counter."""

    operations: list[Operation] = field(default_factory=list)
    _clock: itertools.count[int] = field(default_factory=itertools.count)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, thread: int, name: str, call: Callable[..., Any], *args: Any) -> Any:
        """Call ``call(*args)`` and record it as operation ``name`` of ``thread``."""
        called = next(self._clock)  # next() on a count is atomic in CPython
        result = call(*args)
        returned = next(self._clock)
        with self._lock:
            self.operations.append(Operation(thread, name, args, result, called, returned))
        return result


class Model(Generic[S]):
    """The sequential specification: ``apply`` returns (result, next state).

    A specification that allows more than one result (a call that computes a fresh
    value, say) overrides ``step`` instead, which judges a recorded result."""

    def initial(self) -> S:
        raise NotImplementedError

    def apply(self, state: S, name: str, args: tuple[Any, ...]) -> tuple[Any, S]:
        raise NotImplementedError

    def step(self, state: S, name: str, args: tuple[Any, ...], result: Any) -> S | None:
        """The state after this call returned ``result``, or None if it could not have."""
        expected, after = self.apply(state, name, args)
        return after if expected == result else None


def check(operations: Sequence[Operation], model: Model[S]) -> list[Operation] | None:
    """A sequential order of ``operations`` that the model explains, or None if none does."""
    ops = sorted(operations, key=lambda op: op.called)
    seen: set[tuple[frozenset[int], S]] = set()

    def search(done: frozenset[int], state: S) -> list[Operation] | None:
        if len(done) == len(ops):
            return []
        if (done, state) in seen:
            return None
        seen.add((done, state))
        pending = [i for i in range(len(ops)) if i not in done]
        # Only an operation called before every pending one returned can come next.
        horizon = min(ops[i].returned for i in pending)
        for i in pending:
            op = ops[i]
            if op.called > horizon:
                break
            after = model.step(state, op.name, op.args, op.result)
            if after is not None:
                rest = search(done | {i}, after)
                if rest is not None:
                    return [op, *rest]
        return None

    return search(frozenset(), model.initial())


def explain(operations: Sequence[Operation]) -> str:
    """The history, one operation a line, by call time, for a failure message."""
    ordered = sorted(operations, key=lambda op: op.called)
    return "\n".join(f"  [{op.called:>3}-{op.returned:<3}] {op}" for op in ordered)


def assert_linearizable(operations: Sequence[Operation], model: Model[S], what: str) -> None:
    """Fail, showing the history, if no sequential order of ``operations`` explains them."""
    if check(operations, model) is None:
        raise AssertionError(
            f"{what}: no order of these {len(operations)} calls, taken one at a time, gives "
            f"the results they returned, so calls running at once interfered (a race). "
            f"[called-returned] are ticks of one clock shared by the threads; each call may "
            f"take effect anywhere within its span:\n{explain(operations)}")


Registers = tuple[tuple[Hashable, Any], ...]  # sorted (key, value) pairs: a model state


class KeyValueModel(Model[Registers]):
    """A key-value store taken one call at a time: ``read`` returns the last value
    written (None for a key never written or deleted), ``write`` returns None, ``delete``
    returns whether the key had a value if ``delete_tells`` is set, else None."""

    def __init__(self, initial: dict[str, Any], *, delete_tells: bool = False) -> None:
        self._initial = tuple(sorted(initial.items()))
        self.delete_tells = delete_tells

    def initial(self) -> Registers:
        return self._initial

    def apply(self, state: Registers, name: str, args: tuple[Any, ...]) -> tuple[Any, Registers]:
        values = dict(state)
        if name == "read":
            return values.get(args[0]), state
        if name == "write":
            values[args[0]] = args[1]
            return None, tuple(sorted(values.items()))
        present = args[0] in values
        values.pop(args[0], None)
        return (present if self.delete_tells else None), tuple(sorted(values.items()))


def key_value_history(read: Callable[[Any], Any], write: Callable[[Any, Any], Any],
                      delete: Callable[[Any], Any], keys: dict[str, Any], seed: int, *,
                      threads: int = 3, calls: int = 6) -> History:
    """``threads`` threads each making ``calls`` random reads (55%), writes (35%) and
    deletes at once, switching as often as the interpreter allows. ``keys`` maps the name
    recorded (what the model sees) to the key object passed to the cache. A write stores
    ``thread * 100 + its index``, so every value written is distinct."""
    history = History()
    names = sorted(keys)
    calls_by_name: dict[str, Callable[..., Any]] = {
        "read": lambda name: read(keys[name]),
        "write": lambda name, value: write(keys[name], value),
        "delete": lambda name: delete(keys[name]),
    }

    def worker(thread: int) -> None:
        rnd = random.Random(seed * 10 + thread)
        for i in range(calls):
            name, action = rnd.choice(names), rnd.random()
            if action < 0.55:
                history.record(thread, "read", calls_by_name["read"], name)
            elif action < 0.9:
                history.record(thread, "write", calls_by_name["write"], name, thread * 100 + i)
            else:
                history.record(thread, "delete", calls_by_name["delete"], name)

    run_together(worker, threads, switch_interval=1e-6)
    return history
