"""Bug: Redlock counts half the servers as enough, so with 3 servers one vote wins.

len(clients) // 2 is one short of a majority: two contenders can each win on their own
half of the servers and both believe they hold the lock. The quorum property is right;
the attempt compares against the wrong number.
"""

from __future__ import annotations

from solutions import lock as reference

KILLED_BY = "TestPart3Redlock::test_minority_fails_and_releases"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"acquired though only 1 of 3"


class Redlock(reference.Redlock):
    def won(self, votes: int, validity: float) -> bool:
        # BUG: half is not a majority (correct: votes >= self.quorum, len // 2 + 1)
        return votes >= len(self.clients) // 2 and validity > 0
