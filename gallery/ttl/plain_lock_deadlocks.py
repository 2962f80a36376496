"""Bug: the decorator's lock is not reentrant, so a key whose __eq__ calls the function hangs.

Looking a key up compares it with the cached keys; an argument whose __eq__ calls the same
decorated function asks for the lock its caller holds, and waits for ever.
"""

import threading

from solutions import ttl as reference

KILLED_BY = "TestPart3Decorator::test_an_argument_whose_eq_calls_the_function"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"did not return within"


class PlainLock(reference.CachedFunction[object]):
    lock_type = threading.Lock  # BUG: not reentrant; the reference: threading.RLock


ttl_cache = PlainLock.decorator
