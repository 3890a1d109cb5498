"""Results a process may reuse while the data they came from is unchanged.

The database keeps a version number per data set (table `data_version`), moved on by triggers at every
write to that data (migration 0006), whoever writes it. A lookup reads the version (one query by primary
key) and reuses what this process computed at that version; when the version moves, everything computed
earlier is dropped, so nothing older than the newest version stays in memory (erased personal data
included). Several app instances each keep their own cache and read the same version: they never show
data older than the database's.

Safe by construction: a value is computed after its version was read, so it is at least that new; and
a missing version row (or a cache size of 0) means no caching at all."""
import threading
from collections import OrderedDict

from flask import current_app

from .db import prepared
from .models import DataVersion

_version_row = prepared(lambda name: DataVersion.select(DataVersion.version).where(DataVersion.name == name))


def current_version(data_set: str) -> int | None:
    found = _version_row(data_set)          # read at every cached page: its SQL is built once
    return found[0].version if found else None


class _Pending:
    """A value one thread is computing, for the others that ask for it meanwhile."""

    def __init__(self):
        self.done = threading.Event()
        self.value = None
        self.ok = False


class LruCache:
    """Up to `size` values, the least recently used dropped first; safe across a process's threads.

    A value asked for by several threads at once is computed once: the first computes it and the others
    wait for it. A worker gunicorn has just started, or a queue whose data has just changed, would
    otherwise compute the same page on every thread at once, each the slower for the others (at
    1,000,000 applications, 16 connections searching by name while workers were replaced: the slowest
    request took 1.5-1.8 s, and 0.8-1.0 s with one computation)."""

    WAIT = 30            # seconds a thread waits for another's value before computing it itself

    def __init__(self, size: int):
        self.size = size
        self._values = OrderedDict()
        self._pending = {}
        self._lock = threading.Lock()           # gunicorn runs several threads per process

    def get(self, key, compute):
        """The value kept for `key`, or computed now (and kept)."""
        if self.size <= 0:
            return compute()
        return self._get(key, key, compute, keep=lambda value: self._keep(key, value))

    def _get(self, slot, key, compute, keep):
        """The value kept for `key`; or the one another thread is computing for `slot`; or computed here.
        The caller holds no lock; `keep` stores a value computed here."""
        while True:
            with self._lock:
                if self._kept(slot, key):
                    self._values.move_to_end(key)
                    return self._values[key]
                pending = self._pending.get(slot)
                if pending is None:
                    pending = self._pending[slot] = _Pending()
                    break                       # this thread computes it
            if not pending.done.wait(self.WAIT):
                return compute()                # the first hangs: on our own, as without a cache
            if pending.ok:
                return pending.value
            # the first failed: ask again (one of those waiting computes it)
        try:
            pending.value = compute()
            pending.ok = True
            keep(pending.value)
            return pending.value
        finally:
            with self._lock:
                del self._pending[slot]
            pending.done.set()

    def _kept(self, slot, key) -> bool:           # the lock is held
        return key in self._values

    def _keep(self, key, value):
        with self._lock:
            self._store(key, value)

    def _store(self, key, value):                 # the lock is held
        self._values[key] = value
        while len(self._values) > self.size:
            self._values.popitem(last=False)

    def __len__(self):
        return len(self._values)


READ = object()          # VersionedCache.get: read the version now


class VersionedCache(LruCache):
    """An LruCache for values computed from one data set: only its current version's are kept."""

    def __init__(self, data_set: str, size: int):
        super().__init__(size)
        self.data_set = data_set
        self._version = None

    def get(self, key, compute, version=READ):
        """The value for `key` at the data's current version: kept, or computed now (and kept). A caller
        that read the version in a query of its own (saving a round trip) gives it; it must have read it
        before anything it computes with, as this does."""
        if version is READ:
            version = current_version(self.data_set) if self.size > 0 else None
        if version is None or self.size <= 0:
            return compute()
        return self._get((version, key), key, compute, keep=lambda value: self._keep_at(version, key, value))

    def _kept(self, slot, key) -> bool:           # the lock is held
        """Whether `key` is kept at the slot's version; a version other than the one kept clears them all."""
        version = slot[0]
        if version != self._version:
            self._values.clear()
            self._version = version
            return False
        return key in self._values

    def _keep_at(self, version, key, value):
        with self._lock:
            if version == self._version:         # not if a newer version was seen meanwhile
                self._store(key, value)


def cache_for(data_set: str | None, part: str = "") -> LruCache:
    """This app's cache for a data set, or (None) for pages made from templates alone; its size is
    config CACHE_SIZE (0 turns caching off). Each `part` of the pages has its own, so that many of one
    kind (applications opened one after another) never push out the other (the queue's views)."""
    caches = current_app.extensions.setdefault("portal_caches", {})
    cache = caches.get((data_set, part))
    if cache is None:
        size = current_app.config.get("CACHE_SIZE", 64)
        made = LruCache(size) if data_set is None else VersionedCache(data_set, size)
        cache = caches.setdefault((data_set, part), made)
    return cache
