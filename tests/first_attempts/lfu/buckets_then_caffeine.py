"""A first attempt that gets LFU and aging right and W-TinyLFU almost, from the stub.

Parts 1 and 2 keep an OrderedDict of keys per frequency and the lowest frequency present.
Its mistakes are all in Part 3, in the order a learner meets them:

1. "Periodic reset" taken literally: ``reset()`` sets every counter back to 0 instead of
   halving it, so the history of the popular keys is wiped every sample.
2. When a hit promotes a key from probation and protected overflows, protected's least
   recently used key is dropped from the cache instead of moving back to probation: a
   ``get`` evicts.
3. ``get`` records its key in the sketch only on a hit: keys requested while not cached
   never build up a history, so they never win admission.
"""

from collections import OrderedDict, defaultdict
from itertools import count


def validate_capacity(capacity):
    if isinstance(capacity, bool) or not isinstance(capacity, int):
        raise TypeError("capacity: expected an int, got %s" % type(capacity).__name__)
    if capacity < 1:
        raise ValueError("capacity: must be at least 1, got %d" % capacity)


class LFUCache:
    def __init__(self, capacity, *, decay_every=None):
        validate_capacity(capacity)
        if decay_every is not None:
            if isinstance(decay_every, bool) or not isinstance(decay_every, int):
                raise TypeError("decay_every: expected an int or None")
            if decay_every < capacity:
                raise ValueError("decay_every: must be >= capacity")
        self._capacity = capacity
        self._decay_every = decay_every
        self._values = {}
        self._freq = {}
        self._stamp = {}
        self._by_freq = defaultdict(OrderedDict)
        self._min = 0
        self._clock = count()
        self._ops = 0

    @property
    def capacity(self):
        return self._capacity

    @property
    def decay_every(self):
        return self._decay_every

    def _remove_from_bucket(self, key, freq):
        # Buckets map each key to the key object first stored (kept as dict keys are).
        bucket = self._by_freq[freq]
        stored = bucket.pop(key)
        if not bucket:
            del self._by_freq[freq]
            if self._min == freq:
                self._min = min(self._by_freq) if self._by_freq else 0
        return stored

    def _use(self, key):
        freq = self._freq[key]
        stored = self._remove_from_bucket(key, freq)
        self._freq[key] = freq + 1
        self._stamp[key] = next(self._clock)
        self._by_freq[freq + 1][stored] = stored
        if self._min == 0 or freq + 1 < self._min:
            self._min = freq + 1

    def _tick(self):
        if self._decay_every is None:
            return
        self._ops += 1
        if self._ops < self._decay_every:
            return
        self._ops = 0
        self._by_freq = defaultdict(OrderedDict)
        for key in sorted(self._freq, key=self._stamp.__getitem__):
            self._freq[key] = max(1, self._freq[key] // 2)
            self._by_freq[self._freq[key]][key] = key
        self._min = min(self._by_freq) if self._by_freq else 0

    def get(self, key, default=None):
        if key in self._values:
            self._use(key)
            value = self._values[key]
        else:
            value = default
        self._tick()
        return value

    def put(self, key, value):
        if key in self._values:
            self._values[key] = value
            self._use(key)
        else:
            if len(self._values) >= self._capacity:
                victim, _ = self._by_freq[self._min].popitem(last=False)
                if not self._by_freq[self._min]:
                    del self._by_freq[self._min]
                del self._values[victim], self._freq[victim], self._stamp[victim]
            self._values[key] = value
            self._freq[key] = 1
            self._stamp[key] = next(self._clock)
            self._by_freq[1][key] = key
            self._min = 1
        self._tick()

    def delete(self, key):
        if key not in self._values:
            return False
        self._remove_from_bucket(key, self._freq[key])
        del self._values[key], self._freq[key], self._stamp[key]
        return True

    def clear(self):
        self._values.clear()
        self._freq.clear()
        self._stamp.clear()
        self._by_freq.clear()
        self._min = 0
        self._ops = 0

    def frequency(self, key):
        return self._freq.get(key, 0)

    def keys(self):
        return [key for freq in sorted(self._by_freq) for key in self._by_freq[freq].values()]

    def __len__(self):
        return len(self._values)

    def __contains__(self, key):
        return key in self._values


class FrequencySketch:
    ROWS = 4

    def __init__(self, capacity):
        validate_capacity(capacity)
        self.capacity = capacity
        self.width = 1 << max(4, (capacity - 1).bit_length())
        self.counters = [[0] * self.width for _ in range(self.ROWS)]
        self.doorkeeper_bits = 1 << max(6, (40 * capacity).bit_length())
        self.doorkeeper = bytearray(self.doorkeeper_bits)
        self.seen = 0

    @property
    def sample_size(self):
        return 10 * self.capacity

    def _rows(self, key):
        h = hash(key)
        return [hash((h, row)) % self.width for row in range(self.ROWS)]

    def _door(self, key):
        h = hash((key, "door"))
        return h % self.doorkeeper_bits, (h // self.doorkeeper_bits) % self.doorkeeper_bits

    def record(self, key):
        rows = self._rows(key)
        a, b = self._door(key)
        if self.doorkeeper[a] and self.doorkeeper[b]:
            for row, i in enumerate(rows):
                self.counters[row][i] = min(15, self.counters[row][i] + 1)
        else:
            self.doorkeeper[a] = self.doorkeeper[b] = 1
        self.seen += 1
        if self.seen == self.sample_size:
            self.reset()

    def estimate(self, key):
        rows = self._rows(key)
        a, b = self._door(key)
        base = min(self.counters[row][i] for row, i in enumerate(rows))
        return base + (1 if self.doorkeeper[a] and self.doorkeeper[b] else 0)

    def reset(self):
        self.counters = [[0] * self.width for _ in range(self.ROWS)]
        self.doorkeeper = bytearray(self.doorkeeper_bits)
        self.seen = 0


class TinyLFUCache:
    def __init__(self, capacity):
        validate_capacity(capacity)
        self._capacity = capacity
        self.window_limit = max(1, capacity // 100)
        self.main_limit = capacity - self.window_limit
        self.protected_limit = self.main_limit * 8 // 10
        self.window = OrderedDict()
        self.probation = OrderedDict()
        self.protected = OrderedDict()
        self.sketch = FrequencySketch(capacity)

    @property
    def capacity(self):
        return self._capacity

    def _where(self, key):
        for region in (self.window, self.probation, self.protected):
            if key in region:
                return region
        return None

    def _promote(self, key, region):
        if region is self.probation:
            self.protected[key] = self.probation.pop(key)
            if len(self.protected) > self.protected_limit:
                self.protected.popitem(last=False)
        else:
            region.move_to_end(key)

    def get(self, key, default=None):
        region = self._where(key)
        if region is None:
            return default
        self.sketch.record(key)
        value = region[key]
        self._promote(key, region)
        return value

    def put(self, key, value):
        self.sketch.record(key)
        region = self._where(key)
        if region is not None:
            region[key] = value
            self._promote(key, region)
            return
        self.window[key] = value
        if len(self.window) <= self.window_limit:
            return
        candidate, candidate_value = self.window.popitem(last=False)
        if len(self.probation) + len(self.protected) < self.main_limit:
            self.probation[candidate] = candidate_value
            return
        region = self.probation or self.protected
        if region:
            victim = next(iter(region))
            if self.sketch.estimate(candidate) > self.sketch.estimate(victim):
                del region[victim]
                self.probation[candidate] = candidate_value

    def delete(self, key):
        region = self._where(key)
        if region is None:
            return False
        del region[key]
        return True

    def clear(self):
        for region in (self.window, self.probation, self.protected):
            region.clear()
        self.sketch = FrequencySketch(self._capacity)

    def keys(self):
        return list(self.window) + list(self.probation) + list(self.protected)

    def __len__(self):
        return len(self.window) + len(self.probation) + len(self.protected)

    def __contains__(self, key):
        return self._where(key) is not None


# The first failure a learner sees, checked by make verify:
KILLED_BY = "TestPart3Sketch::test_a_lone_key_is_counted_exactly"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"too low after a reset"
LOOKS_LIKE = ("sketch_reset_empties",)
