"""A fake clock: tests move time by hand instead of sleeping."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

import pytest


class FakeClock:
    """A zero-argument callable returning seconds, like ``time.monotonic``.

    It starts well away from zero so that code treating ``0`` as "no timestamp" is caught.
    """

    def __init__(self, start: float = 1_000.0) -> None:
        self.now = float(start)

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> float:
        if seconds < 0:
            raise ValueError("a clock does not go back")
        self.now += seconds
        return self.now

    def set(self, now: float) -> None:
        self.now = float(now)

    def __repr__(self) -> str:
        return f"FakeClock(now={self.now!r})"


def fake_waiting_in(monkeypatch: pytest.MonkeyPatch, cls: type, clock: FakeClock,
                    sleep: Callable[[float], None]) -> None:
    """Make the code of ``cls`` (and of its base classes) read ``clock`` as
    ``time.monotonic`` and pause with ``sleep`` as ``time.sleep``, whether its module did
    ``import time`` or ``from time import sleep, monotonic``. Only those modules see the
    fakes; ``monkeypatch`` undoes it after the test."""
    fake = _FakeTimeModule(clock, sleep)
    for klass in cls.__mro__[:-1]:
        module = sys.modules.get(klass.__module__)
        for name, value in list(vars(module).items()) if module else []:
            if value is time:
                monkeypatch.setattr(module, name, fake)
            elif value is time.sleep:
                monkeypatch.setattr(module, name, sleep)
            elif value is time.monotonic:
                monkeypatch.setattr(module, name, clock)


class _FakeTimeModule:
    """The ``time`` module, but for ``monotonic`` and ``sleep``."""

    def __init__(self, clock: FakeClock, sleep: Callable[[float], None]) -> None:
        self.monotonic, self.sleep = clock, sleep

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)
