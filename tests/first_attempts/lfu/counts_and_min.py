"""A first attempt that keeps a use count and a last-use stamp per key and evicts with min().

The straightforward version, written from the stub before thinking about buckets. Its
mistakes, in the order a learner meets them:

1. Eviction is ``min()`` over every key's ``(count, last_use)``: always the right victim,
   but O(n) per put into a full cache.
2. Aging counts only the operations that find or store a key: a ``get`` that misses is
   not counted, so decays come late whenever there are misses.
3. The sketch's counters are incremented with ``(c + 1) & 0xF``, the way 4-bit counters
   packed into a word are: at 16 a counter wraps around to 0 instead of staying at 15.
4. A hit in probation moves the key to protected under the caller's key object: after
   ``get(1.0)`` the cache lists ``1.0``, though ``1`` was the key first stored.
"""

from collections import OrderedDict
import itertools


def _check_capacity(capacity):
    if type(capacity) is not int:
        raise TypeError(f"capacity must be an int, got {capacity!r}")
    if capacity <= 0:
        raise ValueError(f"capacity must be positive, got {capacity}")


class LFUCache:
    def __init__(self, capacity, *, decay_every=None):
        _check_capacity(capacity)
        if decay_every is not None:
            if type(decay_every) is not int:
                raise TypeError(f"decay_every must be an int, got {decay_every!r}")
            if decay_every < capacity:
                raise ValueError(f"decay_every must be at least the capacity, got {decay_every}")
        self._capacity = capacity
        self._decay_every = decay_every
        self._data = {}  # key -> [value, count, last_use]
        self._clock = itertools.count()
        self._since_decay = 0

    @property
    def capacity(self):
        return self._capacity

    @property
    def decay_every(self):
        return self._decay_every

    def _operation(self):
        if self._decay_every is None:
            return
        self._since_decay += 1
        if self._since_decay == self._decay_every:
            self._since_decay = 0
            for item in self._data.values():
                item[1] = max(1, item[1] // 2)

    def get(self, key, default=None):
        item = self._data.get(key)
        if item is None:
            return default
        item[1] += 1
        item[2] = next(self._clock)
        self._operation()
        return item[0]

    def put(self, key, value):
        item = self._data.get(key)
        if item is not None:
            item[0] = value
            item[1] += 1
            item[2] = next(self._clock)
        else:
            if len(self._data) >= self._capacity:
                victim = min(self._data, key=lambda k: (self._data[k][1], self._data[k][2]))
                del self._data[victim]
            self._data[key] = [value, 1, next(self._clock)]
        self._operation()

    def delete(self, key):
        hash(key)
        return self._data.pop(key, None) is not None

    def clear(self):
        self._data.clear()
        self._since_decay = 0

    def frequency(self, key):
        item = self._data.get(key)
        return item[1] if item else 0

    def keys(self):
        return sorted(self._data, key=lambda k: (self._data[k][1], self._data[k][2]))

    def __len__(self):
        return len(self._data)

    def __contains__(self, key):
        return key in self._data


class FrequencySketch:
    def __init__(self, capacity):
        _check_capacity(capacity)
        self._sample_size = 10 * capacity
        width = 16
        while width < capacity:
            width *= 2
        self._mask = width - 1
        self._table = [bytearray(width) for _ in range(4)]
        self._bloom = bytearray(max(64, 4 * self._sample_size))
        self._added = 0

    @property
    def sample_size(self):
        return self._sample_size

    def _hashes(self, key):
        h = hash(key) & 0xFFFFFFFFFFFFFFFF
        h = (h * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
        return [(h >> (16 * i)) & self._mask for i in range(4)]

    def _bloom_slots(self, key):
        h = hash(key) & 0xFFFFFFFFFFFFFFFF
        return h % len(self._bloom), (h * 31 + 17) % len(self._bloom)

    def record(self, key):
        rows = self._hashes(key)
        a, b = self._bloom_slots(key)
        if self._bloom[a] and self._bloom[b]:
            for row, i in zip(self._table, rows):
                row[i] = (row[i] + 1) & 0xF
        else:
            self._bloom[a] = self._bloom[b] = 1
        self._added += 1
        if self._added >= self._sample_size:
            self.reset()

    def estimate(self, key):
        rows = self._hashes(key)
        a, b = self._bloom_slots(key)
        seen = 1 if self._bloom[a] and self._bloom[b] else 0
        return min(row[i] for row, i in zip(self._table, rows)) + seen

    def reset(self):
        for row in self._table:
            for i in range(len(row)):
                row[i] >>= 1
        self._bloom = bytearray(len(self._bloom))
        self._added = 0


class TinyLFUCache:
    def __init__(self, capacity):
        _check_capacity(capacity)
        self._capacity = capacity
        self._window_size = max(1, capacity // 100)
        self._main_size = capacity - self._window_size
        self._protected_size = self._main_size * 8 // 10
        self._window = OrderedDict()
        self._probation = OrderedDict()
        self._protected = OrderedDict()
        self._sketch = FrequencySketch(capacity)

    @property
    def capacity(self):
        return self._capacity

    def _segment(self, key):
        if key in self._window:
            return self._window
        if key in self._probation:
            return self._probation
        if key in self._protected:
            return self._protected
        return None

    def _on_hit(self, key, segment):
        if segment is self._probation:
            self._protected[key] = self._probation.pop(key)
            if len(self._protected) > self._protected_size:
                old_key, old_value = self._protected.popitem(last=False)
                self._probation[old_key] = old_value
        else:
            segment.move_to_end(key)

    def get(self, key, default=None):
        self._sketch.record(key)
        segment = self._segment(key)
        if segment is None:
            return default
        value = segment[key]
        self._on_hit(key, segment)
        return value

    def put(self, key, value):
        self._sketch.record(key)
        segment = self._segment(key)
        if segment is not None:
            segment[key] = value
            self._on_hit(key, segment)
            return
        self._window[key] = value
        if len(self._window) > self._window_size:
            candidate, candidate_value = self._window.popitem(last=False)
            if len(self._probation) + len(self._protected) < self._main_size:
                self._probation[candidate] = candidate_value
                return
            source = self._probation if self._probation else self._protected
            if not source:
                return
            victim = next(iter(source))
            if self._sketch.estimate(candidate) > self._sketch.estimate(victim):
                del source[victim]
                self._probation[candidate] = candidate_value

    def delete(self, key):
        segment = self._segment(key)
        if segment is None:
            return False
        del segment[key]
        return True

    def clear(self):
        self._window.clear()
        self._probation.clear()
        self._protected.clear()
        self._sketch = FrequencySketch(self._capacity)

    def keys(self):
        return [*self._window, *self._probation, *self._protected]

    def __len__(self):
        return len(self._window) + len(self._probation) + len(self._protected)

    def __contains__(self, key):
        return self._segment(key) is not None


# The first failure a learner sees, checked by make verify:
KILLED_BY = "test_operations_stay_constant_time_as_the_cache_grows"
KILLED_WITH = "AssertionError"
LOOKS_LIKE = ("eviction_scans_keys",)
