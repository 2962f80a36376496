"""The bug gallery and the corpus of first attempts: what each module declares about its
first failure, and which classic mistakes a learner's failure looks like.

A gallery entry (``gallery/<kata>/<name>.py``) is the reference with one classic mistake;
a first attempt (``tests/first_attempts/<kata>/<name>.py``) is a whole module written
from scratch, as a candidate would on a first try. Both declare, as module constants read
here without importing them:

``KILLED_BY``
    the test that fails first against the module (or a tuple of them): its node id after
    the file, ``"TestPart1LRUCache::test_capacity_below_one"``; shell wildcards allowed,
    parameters ignored unless the pattern names them (``[`` opens a wildcard set there,
    so a literal parameter is written ``test_x[[]0]``, or ``test_x?0?``).
``KILLED_WITH``
    how: the exception's type name (``"AssertionError"``, ``"TypeError"``, ``"Failed"``
    for a ``pytest.raises`` that did not raise), or ``"hang"`` for a test stopped by the
    harness' time bound.
``KILLED_MATCHING`` (optional)
    a regular expression searched in the failure's message and hypothesis' notes: the
    shape of the failing example, where the test alone says too little.
``LOOKS_LIKE`` (first attempts only)
    the gallery entries a good diagnosis of that first failure names.

The first line of the docstring is the one-line explanation a learner is shown.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GALLERY = ROOT / "gallery"
FIRST_ATTEMPTS = ROOT / "tests" / "first_attempts"
HANG = "hang"


def test_matches(nodeid: str, pattern: str) -> bool:
    """Whether the test ``nodeid`` is the one ``pattern`` declares: the node id after the
    file, shell wildcards allowed, parameters ignored unless the pattern names them."""
    test = nodeid.partition("::")[2] or nodeid
    return fnmatchcase(test if "[" in pattern else test.split("[", 1)[0], pattern)


@dataclass(frozen=True)
class Failure:
    """A test's failure as the harness records it."""

    nodeid: str
    exc_type: str
    message: str
    when: str = "call"

    @property
    def test(self) -> str:
        """The node id after the file: ``TestPart1LRUCache::test_capacity_below_one[0]``."""
        return self.nodeid.partition("::")[2] or self.nodeid


@dataclass(frozen=True)
class Declared:
    """One gallery entry or first attempt, and the first failure it declares."""

    kata: str
    name: str
    path: Path
    explanation: str
    killed_by: tuple[str, ...]
    killed_with: str
    killed_matching: str | None
    looks_like: tuple[str, ...] = ()

    def same_test(self, failure: Failure) -> bool:
        return any(test_matches(failure.nodeid, p) for p in self.killed_by)

    def same_shape(self, failure: Failure) -> bool:
        return self.killed_matching is None or bool(
            re.search(self.killed_matching, failure.message, re.MULTILINE))

    def expects(self, failure: Failure) -> bool:
        """Whether ``failure`` is the declared first failure: test, how, and shape."""
        return (failure.when == "call" and failure.exc_type == self.killed_with
                and self.same_test(failure) and self.same_shape(failure))

    def describe(self) -> str:
        how = "a hang" if self.killed_with == HANG else self.killed_with
        shape = f" matching /{self.killed_matching}/" if self.killed_matching else ""
        return f"{' or '.join(self.killed_by)} failing with {how}{shape}"

    @property
    def command(self) -> str:
        return f"make test KATA={self.kata} TARGET={self.path.relative_to(ROOT)}"


class DeclarationError(ValueError):
    """A gallery entry or first attempt that does not declare its first failure properly."""


def read(path: Path, kata: str | None = None) -> Declared:
    """The declarations of the module at ``path``, read from its source (never imported)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    constants: dict[str, object] = {}
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)):
            try:
                constants[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                continue
    where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    doc = ast.get_docstring(tree) or ""
    if not doc.strip():
        raise DeclarationError(f"{where}: no docstring (its first line explains the mistake)")
    killed_by = constants.get("KILLED_BY")
    if isinstance(killed_by, str):
        killed_by = (killed_by,)
    if not (isinstance(killed_by, tuple | list) and killed_by
            and all(isinstance(p, str) and p for p in killed_by)):
        raise DeclarationError(f"{where}: KILLED_BY must name the test(s) that fail first")
    killed_with = constants.get("KILLED_WITH")
    if not isinstance(killed_with, str) or not killed_with:
        raise DeclarationError(f"{where}: KILLED_WITH must name how it fails "
                               f"(an exception type name, or {HANG!r})")
    matching = constants.get("KILLED_MATCHING")
    if matching is not None:
        if not isinstance(matching, str):
            raise DeclarationError(f"{where}: KILLED_MATCHING must be a regular expression")
        re.compile(matching)
    looks_like = constants.get("LOOKS_LIKE", ())
    if isinstance(looks_like, str):
        looks_like = (looks_like,)
    return Declared(
        kata=kata or path.parent.name,
        name=path.stem,
        path=path,
        explanation=doc.strip().splitlines()[0].removeprefix("Bug: ").strip(),
        killed_by=tuple(killed_by),
        killed_with=killed_with,
        killed_matching=matching,
        looks_like=tuple(looks_like),  # type: ignore[arg-type]
    )


def _modules(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.py") if not p.name.startswith("_"))


def gallery_paths(kata: str) -> list[Path]:
    return _modules(GALLERY / kata)


def first_attempt_paths(kata: str) -> list[Path]:
    return _modules(FIRST_ATTEMPTS / kata)


@cache
def gallery(kata: str) -> tuple[Declared, ...]:
    """Every gallery entry of ``kata`` that declares its failure (others are skipped)."""
    entries = []
    for path in gallery_paths(kata):
        try:
            entries.append(read(path, kata))
        except (DeclarationError, SyntaxError):
            continue  # make verify reports it; a learner's diagnosis just lacks it
    return tuple(entries)


def diagnose(kata: str, failure: Failure, limit: int = 3) -> list[Declared]:
    """The classic mistakes whose declared first failure is this one, most specific first.

    An entry matches when its test and its way of failing are the failure's and its
    declared shape, if any, is found in the message. Entries that declare a shape come
    before those that do not: they said more, and it held.
    """
    matches = [e for e in gallery(kata)
               if e.same_test(failure) and e.killed_with == failure.exc_type
               and e.same_shape(failure)]
    matches.sort(key=lambda e: (e.killed_matching is None, e.name))
    return matches[:limit]


def likely_mistakes(kata: str, failure: Failure) -> list[str]:
    """The "looks like" lines for ``failure``: the intro, then each likely classic mistake
    with the command that shows it failing the same way; none when nothing matches."""
    likely = diagnose(kata, failure)
    if not likely:
        return []
    lines = [f"The first failure ({failure.test}) is what these classic mistakes cause; "
             "one of them may be yours:"]
    for entry in likely:
        lines += [f"  - {entry.explanation}", f"      see it fail the same way: {entry.command}"]
    return lines


def private_names_used(path: Path) -> list[str]:
    """The reference's private names a gallery entry reaches for (it should use none).

    An entry builds on the reference's public API and its documented extension points: a
    private name of the reference is its own business, free to change. A private name the
    entry defines itself (assigned, or a method of its own) is its own business too.
    """
    tree = ast.parse(path.read_text())
    own: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            own.add(node.name)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            own.add(node.attr)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            own.add(node.id)
    used: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("solutions"):
            used += [f"line {node.lineno}: import of {a.name}" for a in node.names
                     if _private(a.name)]
        elif (isinstance(node, ast.Attribute) and _private(node.attr)
              and node.attr not in own):
            used.append(f"line {node.lineno}: .{node.attr}")
    return used


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))
