"""The kata manifest (``katas.toml``): the one list of katas, their parts and metadata."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "katas.toml"


@dataclass(frozen=True)
class Part:
    number: int
    title: str
    introduces: tuple[str, ...]


@dataclass(frozen=True)
class Kata:
    name: str
    title: str
    teaches: str
    difficulty: int
    redis: bool
    parts: tuple[Part, ...]

    @property
    def stub(self) -> Path:
        return ROOT / "katas" / f"{self.name}.py"

    @property
    def reference(self) -> Path:
        return ROOT / "solutions" / f"{self.name}.py"

    @property
    def write_up(self) -> Path:
        return ROOT / "solutions" / f"{self.name}.md"

    @property
    def suite(self) -> Path:
        return ROOT / "tests" / f"test_{self.name}.py"

    @property
    def hints(self) -> Path:
        return ROOT / "hints" / f"{self.name}.md"

    @property
    def bench(self) -> Path:
        return ROOT / "bench" / f"bench_{self.name}.py"

    @property
    def part_numbers(self) -> tuple[int, ...]:
        return tuple(p.number for p in self.parts)

    def introduced_from(self, part: int) -> list[str]:
        """The names that parts ``part`` and later add to the module."""
        return [name for p in self.parts if p.number >= part for name in p.introduces]


@cache
def katas() -> dict[str, Kata]:
    """Every kata, by name, in the manifest's order."""
    data = tomllib.loads(MANIFEST.read_text())
    found = {}
    for entry in data["kata"]:
        parts = tuple(
            Part(n, p["title"], tuple(p.get("introduces", ())))
            for n, p in enumerate(entry["parts"], start=1)
        )
        found[entry["name"]] = Kata(entry["name"], entry["title"], entry["teaches"],
                                    int(entry["difficulty"]), bool(entry["redis"]), parts)
    return found


def get(name: str) -> Kata:
    """The kata called ``name``; a ValueError listing the katas if there is none."""
    try:
        return katas()[name]
    except KeyError:
        raise ValueError(f"{name!r} is not a kata; the katas are: {', '.join(katas())}") from None


NAMES: tuple[str, ...] = tuple(katas())
