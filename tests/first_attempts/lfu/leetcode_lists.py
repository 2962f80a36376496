"""A first attempt by someone who solved LeetCode 460 with a list per frequency, from the stub.

Its mistakes, in the order a learner meets them:

1. Each frequency's keys are a Python list, newest appended last, and eviction pops the
   list: ``pop()`` takes the end, so the most recently used of the least frequent keys is
   evicted, not the least recently used.
2. Moving a key up a frequency calls ``list.remove()``: O(size of its bucket), and in a big
   cache most keys sit in bucket 1, so a hit costs O(n).
3. A use through an equal key (``put(1.0, ...)`` or ``get(1.0)`` when ``1`` is cached)
   moves the caller's key object ``1.0`` into the next bucket, and in TinyLFU into the
   protected region, while the dict keeps ``1``: ``keys()`` then lists ``1.0``, not the key
   object stored first.
4. The decay halves with ``f // 2`` and forgets the floor: keys used once drop to 0.
"""

from collections import OrderedDict, defaultdict


class LFUCache:
    def __init__(self, capacity, *, decay_every=None):
        if isinstance(capacity, bool) or not isinstance(capacity, int):
            raise TypeError("capacity must be an int")
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        if decay_every is not None:
            if isinstance(decay_every, bool) or not isinstance(decay_every, int):
                raise TypeError("decay_every must be an int or None")
            if decay_every < capacity:
                raise ValueError("decay_every must be >= capacity")
        self._capacity = capacity
        self._decay_every = decay_every
        self.vals = {}
        self.freq = {}
        self.buckets = defaultdict(list)
        self.min_freq = 0
        self.ops = 0

    @property
    def capacity(self):
        return self._capacity

    @property
    def decay_every(self):
        return self._decay_every

    def _bump(self, key):
        f = self.freq[key]
        self.buckets[f].remove(key)
        if not self.buckets[f]:
            del self.buckets[f]
            if self.min_freq == f:
                self.min_freq = f + 1
        self.freq[key] = f + 1
        self.buckets[f + 1].append(key)

    def _count_op(self):
        if self._decay_every is None:
            return
        self.ops += 1
        if self.ops == self._decay_every:
            self.ops = 0
            old = self.buckets
            self.buckets = defaultdict(list)
            for f in sorted(old):
                for key in old[f]:
                    self.freq[key] = f // 2
                    self.buckets[f // 2].append(key)
            self.min_freq = min(self.buckets) if self.buckets else 0

    def get(self, key, default=None):
        if key not in self.vals:
            self._count_op()
            return default
        self._bump(key)
        self._count_op()
        return self.vals[key]

    def put(self, key, value):
        if key in self.vals:
            self.vals[key] = value
            self._bump(key)
        else:
            if len(self.vals) >= self._capacity:
                victim = self.buckets[self.min_freq].pop()
                if not self.buckets[self.min_freq]:
                    del self.buckets[self.min_freq]
                del self.vals[victim]
                del self.freq[victim]
            self.vals[key] = value
            self.freq[key] = 1
            self.buckets[1].append(key)
            self.min_freq = 1
        self._count_op()

    def delete(self, key):
        if key not in self.vals:
            return False
        f = self.freq.pop(key)
        del self.vals[key]
        self.buckets[f].remove(key)
        if not self.buckets[f]:
            del self.buckets[f]
            if self.min_freq == f:
                self.min_freq = min(self.buckets) if self.buckets else 0
        return True

    def clear(self):
        self.vals.clear()
        self.freq.clear()
        self.buckets.clear()
        self.min_freq = 0
        self.ops = 0

    def frequency(self, key):
        return self.freq.get(key, 0)

    def keys(self):
        return [k for f in sorted(self.buckets) for k in self.buckets[f]]

    def __len__(self):
        return len(self.vals)

    def __contains__(self, key):
        return key in self.vals


class FrequencySketch:
    SEEDS = (0x5BD1E995, 0x27D4EB2F, 0x165667B1, 0x9E3779B1)

    def __init__(self, capacity):
        if isinstance(capacity, bool) or not isinstance(capacity, int):
            raise TypeError("capacity must be an int")
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.width = max(16, 1 << (capacity - 1).bit_length())
        self.rows = [[0] * self.width for _ in range(4)]
        self.door = set()  # exact, so no false positives: fine for a doorkeeper
        self._sample_size = 10 * capacity
        self.count = 0

    @property
    def sample_size(self):
        return self._sample_size

    def _slots(self, key):
        return [hash((key, seed)) % self.width for seed in self.SEEDS]

    def record(self, key):
        slots = self._slots(key)
        if key not in self.door:
            self.door.add(key)
        else:
            for row, i in zip(self.rows, slots):
                if row[i] < 15:
                    row[i] += 1
        self.count += 1
        if self.count >= self._sample_size:
            self.reset()

    def estimate(self, key):
        slots = self._slots(key)
        return min(row[i] for row, i in zip(self.rows, slots)) + (1 if key in self.door else 0)

    def reset(self):
        self.rows = [[c // 2 for c in row] for row in self.rows]
        self.door.clear()
        self.count = 0


class TinyLFUCache:
    def __init__(self, capacity):
        if isinstance(capacity, bool) or not isinstance(capacity, int):
            raise TypeError("capacity must be an int")
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._capacity = capacity
        self.window_max = max(1, capacity // 100)
        self.main_max = capacity - self.window_max
        self.protected_max = self.main_max * 8 // 10
        self.window = OrderedDict()
        self.probation = OrderedDict()
        self.protected = OrderedDict()
        self.sketch = FrequencySketch(capacity)

    @property
    def capacity(self):
        return self._capacity

    def _find(self, key):
        for segment in (self.window, self.probation, self.protected):
            if key in segment:
                return segment
        return None

    def _hit(self, key, segment):
        if segment is self.probation:
            self.protected[key] = self.probation.pop(key)
            if len(self.protected) > self.protected_max:
                k, v = self.protected.popitem(last=False)
                self.probation[k] = v
        else:
            segment.move_to_end(key)

    def get(self, key, default=None):
        self.sketch.record(key)
        segment = self._find(key)
        if segment is None:
            return default
        value = segment[key]
        self._hit(key, segment)
        return value

    def put(self, key, value):
        self.sketch.record(key)
        segment = self._find(key)
        if segment is not None:
            segment[key] = value
            self._hit(key, segment)
            return
        self.window[key] = value
        if len(self.window) <= self.window_max:
            return
        cand, cand_value = self.window.popitem(last=False)
        if len(self.probation) + len(self.protected) < self.main_max:
            self.probation[cand] = cand_value
            return
        victims = self.probation or self.protected
        if not victims:
            return
        victim = next(iter(victims))
        if self.sketch.estimate(cand) > self.sketch.estimate(victim):
            del victims[victim]
            self.probation[cand] = cand_value

    def delete(self, key):
        segment = self._find(key)
        if segment is None:
            return False
        del segment[key]
        return True

    def clear(self):
        self.window.clear()
        self.probation.clear()
        self.protected.clear()
        self.sketch = FrequencySketch(self._capacity)

    def keys(self):
        return list(self.window) + list(self.probation) + list(self.protected)

    def __len__(self):
        return len(self.window) + len(self.probation) + len(self.protected)

    def __contains__(self, key):
        return self._find(key) is not None


# The first failure a learner sees, checked by make verify:
KILLED_BY = "TestLFUMachine::runTest"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"used more recently: among equal frequencies the least recently used"
LOOKS_LIKE = ("ties_evict_newest",)
