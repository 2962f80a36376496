"""What a learner sees: one line for an unimplemented stub, a table per kata and part."""

from __future__ import annotations

import dataclasses
import functools
import json
import sys
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hypothesis.core
import hypothesis.stateful
import pytest

from tests.support import targets
from tests.support.gallery import Failure, likely_mistakes
from tests.support.watchdog import Hang


def kata_of(item: pytest.Item) -> str | None:
    module = getattr(item, "module", None)
    return getattr(module, "KATA", None)


def part_of(item: pytest.Item) -> int | None:
    marker = item.get_closest_marker("part")
    return int(marker.args[0]) if marker else None


class NotImplementedYet(BaseException):
    """A stub's NotImplementedError, re-raised past hypothesis so it does not shrink.

    Shrinking an input cannot make a missing method exist; stopping at once keeps a run
    against the stubs fast. It is a BaseException because hypothesis re-raises those.
    """


def stop_at_not_implemented(test: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(test)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        __tracebackhide__ = True
        try:
            return test(*args, **kwargs)
        except NotImplementedError as exc:
            raise NotImplementedYet(str(exc)) from exc

    return wrapper


def hide_hypothesis_frames() -> None:
    """A learner reads the test and their own code, not hypothesis' machinery.

    pytest leaves out of a traceback every frame whose module defines
    ``__tracebackhide__``; these are the modules between a test and the code it drives.
    """
    for module in (hypothesis.core, hypothesis.stateful):
        module.__tracebackhide__ = True  # type: ignore[attr-defined]


def innermost(exc: BaseException) -> BaseException:
    """The exception a test framework re-raised: the first leaf of an exception group."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return exc


def not_implemented_line(excinfo: pytest.ExceptionInfo[BaseException]) -> str | None:
    """``lru: LRUCache.get() is not implemented yet (katas/lru.py:57)``, or None.

    Found where the NotImplementedError was raised, even when a test framework (hypothesis,
    a thread) re-raised it, or wrapped it in an exception group.
    """
    exc: BaseException | None = innermost(excinfo.value)
    if isinstance(exc, NotImplementedYet):
        exc = exc.__cause__
    if not isinstance(exc, NotImplementedError) or exc.__traceback__ is None:
        return None
    tb = exc.__traceback__
    while tb.tb_next is not None:
        tb = tb.tb_next
    code = tb.tb_frame.f_code
    where = targets.current().display(Path(code.co_filename))
    detail = f": {exc}" if str(exc) else ""
    return f"{code.co_qualname}() is not implemented yet ({where}:{tb.tb_lineno}){detail}"


def failure_of(excinfo: pytest.ExceptionInfo[BaseException]) -> tuple[str, str]:
    """The failing exception's type name and its text (message, then hypothesis' notes)."""
    exc = innermost(excinfo.value)
    if isinstance(exc, NotImplementedYet) and exc.__cause__ is not None:
        exc = exc.__cause__
    notes = getattr(exc, "__notes__", None) or []
    name = getattr(exc, "kata_failure_kind", type(exc).__name__)
    return name, "\n".join([str(exc), *map(str, notes)])


def hang_text(excinfo: pytest.ExceptionInfo[BaseException]) -> str | None:
    """The watchdog's account of a test that ran away, or None."""
    exc = innermost(excinfo.value)
    return str(exc) if isinstance(exc, Hang) else None


@dataclass
class Tally:
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    reason: str = ""

    @property
    def total(self) -> int:
        return self.passed + self.failed + self.skipped

    def status(self) -> str:
        if self.skipped and self.reason.startswith("missing"):
            return self.reason
        if self.failed == 0 and self.passed:
            return "solved" + (f" ({self.skipped} skipped)" if self.skipped else "")
        if self.passed == 0:
            return "not started" if self.failed else f"skipped: {self.reason}"
        return "in progress"


class KataReport:
    """A pytest plugin collecting outcomes per (kata, part) and printing them as a table."""

    def __init__(self, json_path: str | None, brief: bool = False,
                 announce: bool = False) -> None:
        self.json_path = json_path
        self.brief = brief
        self.announce = announce
        self._announced: set[str] = set()
        self.tallies: dict[tuple[str, int], Tally] = defaultdict(Tally)
        self.outcomes: dict[str, str] = {}
        self.place: dict[str, tuple[str, int]] = {}
        # Every failure in the order it happened: the first one is the learner's to read.
        self.failures: list[dict[str, str]] = []
        self._failing: dict[str, tuple[str, str, str]] = {}
        # Failures that say one line each (a stub's method, an import): printed grouped.
        self._grouped: dict[str, str] = {}

    # Not tryfirst: the unittest plugin (which runs state machines) must first move its
    # captured exception into ``call``; this still runs before pytest's default report.
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[Any]
    ) -> pytest.TestReport | None:
        """A stub's NotImplementedError, a module that does not import and a hang each
        become a short text (and skip formatting a traceback, which costs more than the
        test itself)."""
        if call.excinfo is None or call.excinfo.errisinstance(pytest.skip.Exception):
            return None
        if item.nodeid not in self._failing:
            self._failing[item.nodeid] = (call.when, *failure_of(call.excinfo))
        if call.when == "collect":
            return None
        line = not_implemented_line(call.excinfo)
        text: str | None
        if line is not None:
            text = self._grouped[item.nodeid] = f"{kata_of(item)}: {line}"
        elif call.excinfo.errisinstance(targets.DoesNotImport):
            text = self._grouped[item.nodeid] = str(call.excinfo.value)
        else:
            text = hang_text(call.excinfo)
        if text is None:
            return None
        return pytest.TestReport(
            item.nodeid, item.location, dict.fromkeys(item.keywords, 1), "failed",
            text, call.when, duration=call.duration,
            start=call.start, stop=call.stop, user_properties=item.user_properties,
        )

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        for item in items:
            kata, part = kata_of(item), part_of(item)
            if kata is not None and part is not None:
                self.place[item.nodeid] = (kata, part)

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        """Import each kata's module before its first test: an import error is then known
        (and shown first) whatever test would have met it."""
        for kata in dict.fromkeys(k for k, _ in self.place.values()):
            targets.current().try_import(kata)

    def pytest_runtest_logstart(self, nodeid: str) -> None:
        """With ``--announce``: say on stderr which kata starts (for tools that run the
        suites quietly and show where they are)."""
        kata = self.place.get(nodeid, ("", 0))[0]
        if self.announce and kata and kata not in self._announced:
            self._announced.add(kata)
            sys.stderr.write(f"  {kata} ...\n")
            sys.stderr.flush()

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.nodeid in self.place:
            self._count(self.place[report.nodeid], report)

    def _count(self, place: tuple[str, int], report: pytest.TestReport) -> None:
        previous = self.outcomes.get(report.nodeid)
        if report.when == "call" or report.outcome != "passed":
            if previous in ("failed", "skipped"):
                return  # a teardown error after a failure counts once
            tally = self.tallies[place]
            if previous == "passed":
                tally.passed -= 1
            if report.outcome == "skipped":
                tally.skipped += 1
                if isinstance(report.longrepr, tuple):
                    tally.reason = str(report.longrepr[2]).removeprefix("Skipped: ")
            elif report.outcome == "failed":
                tally.failed += 1
                when, exc_type, message = self._failing.get(
                    report.nodeid, (report.when or "call", "unknown", str(report.longrepr)))
                self.failures.append({"nodeid": report.nodeid, "when": when,
                                      "exc_type": exc_type, "message": message})
            else:
                tally.passed += 1
            self.outcomes[report.nodeid] = report.outcome

    def rows(self) -> list[dict[str, Any]]:
        order = {k: i for i, k in enumerate(targets.KATAS)}
        broken = targets.current().import_errors()
        return [
            {"kata": kata, "part": part, "passed": t.passed, "failed": t.failed,
             "skipped": t.skipped, "total": t.total,
             "status": "does not import" if kata in broken else t.status()}
            for (kata, part), t in sorted(
                self.tallies.items(), key=lambda kv: (order.get(kv[0][0], 99), kv[0][1])
            )
        ]

    def first_failure(self) -> Failure | None:
        """The first failure that is the learner's to read: not a stub, not an import."""
        for failure in self.failures:
            if failure["nodeid"] not in self._grouped:
                return Failure(**failure)
        return None

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_terminal_summary(self, terminalreporter: Any) -> Iterator[None]:
        """Import errors first, then pytest's failures (without the one-line kinds, which
        follow grouped), the likely classic mistakes, and the table."""
        tr = terminalreporter
        for kata, error in targets.current().import_errors().items():
            path = targets.current().module_path(kata)
            shown = targets.current().display(path) if path else kata
            tr.section(f"{kata}: {shown} does not import", sep="=", red=True, bold=True)
            tr.write_line(error)
        kept = {kind: tr.stats.get(kind, []) for kind in ("failed", "error")}
        first = self.first_failure()
        for kind, reports in kept.items():
            tr.stats[kind] = [r for r in reports if r.nodeid not in self._grouped and (
                not self.brief or (first is not None and r.nodeid == first.nodeid))]
        if self.brief:
            tr.reportchars = ""  # no list of every failing test: the first one is enough
        try:
            return (yield)
        finally:
            tr.stats.update(kept)
            self._write_grouped(tr)
            self._write_diagnosis(tr)
            self._write_table(tr)

    def _write_grouped(self, tr: Any) -> None:
        """One line per (kata, part, cause) for the stub's and the import's failures."""
        counts: dict[tuple[str, int, str], int] = defaultdict(int)
        for nodeid, text in self._grouped.items():
            kata, part = self.place.get(nodeid, ("?", 0))
            counts[(kata, part, text.partition(": ")[2] or text)] += 1
        if not counts:
            return
        tr.section("not yet working", sep="=")
        for (kata, part, cause), n in counts.items():
            tests = f"{n} test{'s' if n != 1 else ''}"
            tr.write_line(f"{kata} part {part} ({tests}): {cause}")

    def _write_diagnosis(self, tr: Any) -> None:
        first = self.first_failure()
        if first is None or first.nodeid not in self.place:
            return
        lines = likely_mistakes(self.place[first.nodeid][0], first)
        if lines:
            tr.section("looks like", sep="=")
            for line in lines:
                tr.write_line(line)

    def _write_table(self, tr: Any) -> None:
        rows = self.rows()
        first = self.first_failure()
        if self.json_path:
            Path(self.json_path).write_text(
                json.dumps({"target": targets.current().spec, "rows": rows,
                            "outcomes": self.outcomes, "failures": self.failures,
                            "first_failure": first and dataclasses.asdict(first)}, indent=1)
            )
        if not rows:
            return
        tr.section(f"katas (target: {targets.current().spec})", sep="=")
        tr.write_line(f"{'kata':<17}{'part':<6}{'passed':>10}  status")
        for row in rows:
            score = f"{row['passed']}/{row['total']}"
            tr.write_line(f"{row['kata']:<17}{row['part']:<6}{score:>10}  {row['status']}")
