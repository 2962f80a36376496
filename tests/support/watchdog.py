"""A test that runs away fails alone, fast, and says where.

An endless loop, a deadlock or a runaway allocation in the code under test must not hang
a learner's run for minutes. While a test runs, a watchdog thread samples every thread's
stack. A call into the code under test made by the test (its *entry frame*) normally
returns within milliseconds: one that is still the same call after ``stuck_after``
seconds is an endless loop or a deadlock. The watchdog then interrupts the test's thread
with :class:`Hang`, a ``BaseException``, so hypothesis neither replays nor shrinks it, and
the message shows where every thread was stuck, in the learner's own lines. The run goes
on with the next test. Once a kata has hung, its later tests get a shorter bound: the
same bug is likely to hang them too, and the first report already says where.

Threads the code under test starts itself (a subscriber loop, say) may run for as long
as they like; only calls that come from a test are watched. A whole test also has an
overall ``budget``, and memory that grows by more than ``memory_limit`` bytes during one
test is a runaway allocation.
"""

from __future__ import annotations

import ctypes
import linecache
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parents[2]
TESTS = str(Path(__file__).resolve().parents[1])
INTERVAL = 0.05  # seconds between two looks at the threads
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


class Hang(BaseException):
    """The test was stopped by the watchdog. A BaseException: hypothesis re-raises it at
    once instead of treating it as a failing example to shrink."""

    kata_failure_kind = "hang"


def _rss() -> int:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return 0


@dataclass
class _Armed:
    kata: str
    budget: float
    stuck_after: float
    started: float
    rss: int


class Watchdog:
    """One per test session: ``arm()`` before a test's call, ``disarm()`` after it."""

    def __init__(self, learner_files: Callable[[], set[str]], *, stuck_after: float = 3.0,
                 after_a_hang: float = 0.5, budget: float = 30.0,
                 memory_limit: int = 2 << 30) -> None:
        self.learner_files = learner_files
        self.stuck_after = stuck_after
        self.after_a_hang = after_a_hang
        self.budget = budget
        self.memory_limit = memory_limit
        self.hung_katas: set[str] = set()
        self._armed: _Armed | None = None
        self._seen: dict[int, tuple[FrameType, float]] = {}
        self._earlier: set[int] = set()
        self._message = ""
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._main = threading.main_thread().ident
        self._thread: threading.Thread | None = None

    # -- the test's side -------------------------------------------------------------------

    def install(self) -> bool:
        """Install the interrupt handler; False where signals cannot be used."""
        if threading.current_thread() is not threading.main_thread() or not hasattr(
                signal, "pthread_kill"):
            return False
        signal.signal(signal.SIGUSR1, self._interrupt)
        self._thread = threading.Thread(target=self._watch, name="watchdog", daemon=True)
        self._thread.start()
        return True

    def arm(self, kata: str, scale: float = 1.0) -> None:
        stuck = self.after_a_hang if kata in self.hung_katas else self.stuck_after * scale
        with self._lock:
            self._seen.clear()
            # Threads an earlier test left stuck (already reported there) are not this
            # test's doing: only the main thread and threads started from now on count.
            self._earlier = {i for i in sys._current_frames() if i != self._main}
            self._armed = _Armed(kata, self.budget * scale, stuck, time.monotonic(), _rss())
        self._wake.set()

    def disarm(self) -> None:
        with self._lock:
            self._armed = None
            self._seen.clear()

    def _interrupt(self, signum: int, frame: FrameType | None) -> None:
        raise Hang(self._message)

    # -- the watchdog's side ---------------------------------------------------------------

    def _watch(self) -> None:
        while True:
            self._wake.wait()
            time.sleep(INTERVAL)
            with self._lock:
                armed = self._armed
                if armed is None:
                    self._wake.clear()
                    continue
                reason = self._look(armed)
                if reason is None:
                    continue
                self._armed = None
                self._seen.clear()
                self.hung_katas.add(armed.kata)
                self._message = reason
            self._stop_stuck_threads()
            if self._main is not None:
                signal.pthread_kill(self._main, signal.SIGUSR1)

    def _look(self, armed: _Armed) -> str | None:
        now = time.monotonic()
        frames = sys._current_frames()
        files = self.learner_files()
        stuck: list[tuple[int, FrameType]] = []
        for ident, top in frames.items():
            if ident == threading.get_ident() or ident in self._earlier:
                continue
            entry = _entry_frame(top, files)
            if entry is None:
                self._seen.pop(ident, None)
                continue
            seen = self._seen.get(ident)
            if seen is None or seen[0] is not entry:
                self._seen[ident] = (entry, now)
            elif now - seen[1] >= armed.stuck_after:
                stuck.append((ident, entry))
        if stuck:
            ident, entry = stuck[0]
            what = f"{entry.f_code.co_qualname}()"
            return (f"{armed.kata}: {what} was still running after {armed.stuck_after:g} s: "
                    f"an endless loop or a deadlock.\n" + _stacks(frames, files, self._earlier))
        if now - armed.started >= armed.budget:
            return (f"{armed.kata}: the test ran for more than {armed.budget:g} s (an endless "
                    "loop?).\n" + _stacks(frames, files, self._earlier))
        grown = _rss() - armed.rss
        if armed.rss and grown > self.memory_limit:
            return (f"{armed.kata}: memory grew by {grown >> 20} MB during one test (an "
                    "allocation that never stops?).\n" + _stacks(frames, files, self._earlier))
        return None

    def _stop_stuck_threads(self) -> None:
        """Raise Hang in the other threads running learner code (those in an endless loop
        stop; those blocked on a lock stay blocked, costing nothing)."""
        files = self.learner_files()
        for ident, top in sys._current_frames().items():
            if ident in (self._main, threading.get_ident()):
                continue
            if _entry_frame(top, files) is not None:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(
                    ctypes.c_ulong(ident), ctypes.py_object(Hang))


def _walk(top: FrameType) -> list[FrameType]:
    """A thread's frames, outermost first."""
    frames = []
    frame: FrameType | None = top
    while frame is not None:
        frames.append(frame)
        frame = frame.f_back
    frames.reverse()
    return frames


def _entry_frame(top: FrameType, files: set[str]) -> FrameType | None:
    """The outermost learner frame that a test frame called, if the thread has one."""
    called_by_test = False
    for frame in _walk(top):
        filename = frame.f_code.co_filename
        if filename in files:
            return frame if called_by_test else None
        if filename.startswith(TESTS):
            called_by_test = True
    return None


def _shown_path(filename: str) -> str:
    """A path as a learner reads it: relative to the repository when it is inside it."""
    path = Path(filename)
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else filename


def _stacks(frames: dict[int, FrameType], files: set[str], skip: set[int]) -> str:
    """Where each thread is, in the learner's lines (and the test line that called them),
    leaving out the threads in ``skip``."""
    names = {t.ident: t.name for t in threading.enumerate()}
    parts = []
    for ident, top in frames.items():
        if ident == threading.get_ident() or ident in skip:
            continue
        walked = _walk(top)
        own = [i for i, f in enumerate(walked) if f.f_code.co_filename in files]
        if not own or _entry_frame(top, files) is None:
            continue
        start = max(own[0] - 1, 0)  # the caller: the test line that made the call
        shown = [f for i, f in enumerate(walked[start:], start)
                 if i == start or f.f_code.co_filename in files]
        summary = traceback.StackSummary.from_list([
            traceback.FrameSummary(_shown_path(f.f_code.co_filename), f.f_lineno,
                                   f.f_code.co_name,
                                   line=linecache.getline(f.f_code.co_filename, f.f_lineno))
            for f in shown])
        parts.append(f"thread {names.get(ident, ident)}:\n" + "".join(summary.format()))
    return "\n".join(parts) if parts else "(no thread was in the code under test)"
