"""Polling for what another thread, process or server does: bounded, never a bare sleep."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import pytest

T = TypeVar("T")


def eventually(check: Callable[[], T], timeout: float = 1.0, interval: float = 0.002) -> T:
    """Call ``check`` until it returns something truthy or ``timeout`` s pass; return the
    last result (falsy when time ran out), for the caller's own assertion message."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() >= deadline:
            return result
        time.sleep(interval)


def wait_until(condition: Callable[[], object], limit: float, what: str) -> None:
    """Fail the test unless ``condition()`` becomes true within ``limit`` seconds."""
    if not eventually(condition, limit, interval=0.01):
        pytest.fail(f"waited {limit:g} s for {what}, in vain", pytrace=False)
