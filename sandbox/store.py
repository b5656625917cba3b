"""The one store: TinyDB in memory, journaled to an append-only file on disk.

TinyDB's own ``JSONStorage`` rewrites the whole file on every write, and its
``Table`` rebuilds the whole table dict on every write, so a write would cost more
as drafts pile up. Here TinyDB keeps the documents in memory (``MemoryStorage``,
with a table whose writes touch only the changed documents), and every
transaction is appended to a JSON-lines journal as one line, written and fsynced
before the transaction returns, so a write answered 2xx is on disk whatever
happens next. The fsync runs after the lock is released (group commit): writers
that arrive during one fsync share the next, instead of queueing one fsync each.
Another request may read a write while its fsync is still running; its writer
has not been answered yet, and any write that builds on it is journaled after it,
so its own fsync covers both. On start-up the journal is replayed; when it has
grown to several times the live data it is compacted into a fresh file with an
atomic rename.

In memory each document is kept packed: its JSON, deflated (about 1 KiB for a
draft instead of ~12 KiB of Python dicts): 100,000 drafts take ~110 MB, and
the garbage collector has no millions of long-lived dicts to walk, so a write costs
the same with 100 or 100,000 drafts stored. Readers unpack a fresh copy every time:
nobody ever holds a live document (TinyDB issues #516/#551).

Journal format: first line ``{"biteship_sandbox_store": 1}``, then one line per
transaction: ``[[table, doc_id, document-or-null], ...]``. A final line without its
newline is a write the process never acknowledged (killed mid-write): it is moved
aside to ``<path>.torn`` with a warning. Any other unreadable line stops start-up
with ``StoreCorrupt`` and the file is left byte for byte as it was; it is never
silently replaced.

One re-entrant lock serialises every read-modify-write of the process.
"""

from __future__ import annotations

import logging
import os
import threading
import zlib
from collections import OrderedDict
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

import orjson
from tinydb import TinyDB
from tinydb.storages import MemoryStorage
from tinydb.table import Document, Table

log = logging.getLogger("sandbox.store")

HEADER = {"biteship_sandbox_store": 1}
MEMORY = ":memory:"
_COMPACT_MIN_LINES = 10_000
_COMPACT_RATIO = 4
# Raw deflate with a 4 KiB window, level 1: a draft is 2-3 KiB of JSON; a bigger
# window or level costs set-up time and saves almost nothing.
_WBITS = -12


class StoreCorrupt(Exception):
    """The store file cannot be read; the message says where and what to do."""


_RECENT_DOCUMENTS = 4096


def _pack(raw_json: bytes) -> bytes:
    return zlib.compress(raw_json, 1, _WBITS)


def _unpack(packed: bytes) -> bytes:
    return zlib.decompress(packed, _WBITS)


class _Document(Document):
    """A TinyDB document decoded from its packed form on every read."""

    def __init__(self, value: Any, doc_id: str):
        super().__init__(orjson.loads(_unpack(value)) if isinstance(value, bytes) else value, doc_id)


class _Table(Table):
    """String document ids, packed documents, writes that touch only the changed ones."""

    document_id_class = str
    document_class = _Document

    def search(self, cond) -> list[Document]:
        # TinyDB's search tests the raw (packed) values; test decoded documents.
        return [doc for doc in self if cond(doc)]

    def packed(self, doc_id: str) -> bytes | None:
        return self._read_table().get(doc_id)

    def write_packed(self, doc_id: str, packed: bytes | None) -> None:
        tables = self._storage.read() or {}
        raw = tables.setdefault(self.name, {})
        if packed is None:
            raw.pop(doc_id, None)
        else:
            raw[doc_id] = packed
        self._storage.write(tables)
        self.clear_cache()


class _TinyDB(TinyDB):
    table_class = _Table


def _journal_line(ops: list[tuple[str, str, bytes | None]]) -> bytes:
    """``[[table, doc_id, document-or-null], ...]`` + newline, from documents already in JSON."""
    parts = [b"[%b,%b,%b]" % (orjson.dumps(t), orjson.dumps(i), raw if raw is not None else b"null") for t, i, raw in ops]
    return b"[" + b",".join(parts) + b"]\n"


class Transaction:
    """Buffered writes; applied and journaled together when the block ends.

    ``put`` serialises the document at once, so later changes to the caller's dict
    do not leak into the store; the last write of a document wins.
    """

    def __init__(self, store: "Store"):
        self._store = store
        self._pending: dict[tuple[str, str], bytes | None] = {}

    @property
    def ops(self) -> list[tuple[str, str, bytes | None]]:
        return [(table, doc_id, raw) for (table, doc_id), raw in self._pending.items()]

    def get(self, table: str, doc_id: str) -> dict | None:
        """Read through this transaction's own pending writes."""
        key = (table, doc_id)
        if key in self._pending:
            raw = self._pending[key]
            return orjson.loads(raw) if raw is not None else None
        return self._store.get(table, doc_id)

    def put(self, table: str, doc_id: str, doc: dict) -> None:
        self._pending[(table, doc_id)] = orjson.dumps(doc)

    def delete(self, table: str, doc_id: str) -> None:
        self._pending[(table, doc_id)] = None


class Store:
    def __init__(self, path: str | os.PathLike | None = None, *, fsync: bool = True):
        self.lock = threading.RLock()
        self.path = None if path in (None, MEMORY) else Path(path)
        self._fsync = fsync
        self._db = _TinyDB(storage=MemoryStorage)
        self._fd: int | None = None
        self._size = 0  # bytes in the journal file (to take back a partial write)
        self._lines = 0
        self._live = 0
        # Group commit: lines are appended under ``lock``, fsynced outside it, so
        # writers that arrive during one fsync share the next one.
        self._sync_lock = threading.Lock()
        self._written = 0  # journal lines appended by this process
        self._synced = 0  # ... of which known to be on disk
        # The JSON of recently read or written documents, so a hot draft is not
        # inflated again on every read (a request often reads its draft twice).
        self._recent: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        if self.path is not None:
            self._open()

    # --- reads ------------------------------------------------------------------

    def get(self, table: str, doc_id: str) -> dict | None:
        key = (table, doc_id)
        with self.lock:
            raw = self._recent.get(key)
            if raw is None:
                packed = self._db.table(table).packed(doc_id)
                if packed is None:
                    return None
                raw = _unpack(packed)
            self._remember(key, raw)
        return orjson.loads(raw)

    def _remember(self, key: tuple[str, str], raw: bytes | None) -> None:
        if raw is None:
            self._recent.pop(key, None)
            return
        self._recent[key] = raw
        self._recent.move_to_end(key)
        if len(self._recent) > _RECENT_DOCUMENTS:
            self._recent.popitem(last=False)

    def search(self, table: str, cond) -> list[dict]:
        with self.lock:
            return [dict(d) for d in self._db.table(table).search(cond)]

    def all(self, table: str) -> list[dict]:
        with self.lock:
            return [dict(d) for d in self._db.table(table)]

    def ids(self, table: str) -> list[str]:
        """The document ids of ``table``, without reading the documents."""
        with self.lock:
            return list(self._db.table(table)._read_table())

    def count(self, table: str) -> int:
        with self.lock:
            return len(self._db.table(table))

    # --- writes -----------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Hold the lock; on a clean exit, journal then apply every write; return
        only once the journal line is on disk (fsynced).

        An exception inside the block discards every buffered write: nothing is
        half-written, in memory or on disk. The fsync happens after the lock is
        released (group commit): a caller answers 2xx only after its own line is
        durable, while other requests may already read the write.
        """
        with self.lock:
            tx = Transaction(self)
            yield tx
            ops = tx.ops
            if not ops:
                return
            line = self._journal(ops)
            self._apply(ops)
            self._maybe_compact()
        self._wait_durable(line)

    def reset(self, keep: Callable[[str, dict], bool] | None = None) -> int:
        """Remove every document (or those ``keep`` refuses); returns how many went."""
        with self.transaction() as tx:
            for name in self._db.tables():
                for doc in self._db.table(name):
                    if keep is None or not keep(name, doc):
                        tx.delete(name, doc.doc_id)
            return len(tx.ops)

    def close(self) -> None:
        with self.lock, self._sync_lock:
            if self._fd is not None:
                if self._fsync and self._synced < self._written:
                    os.fdatasync(self._fd)
                self._synced = self._written
                os.close(self._fd)
                self._fd = None

    # --- internals --------------------------------------------------------------

    def _apply(self, ops: list[tuple[str, str, bytes | None]]) -> None:
        for table, doc_id, raw in ops:
            t = self._db.table(table)
            had = t.packed(doc_id) is not None
            t.write_packed(doc_id, _pack(raw) if raw is not None else None)
            self._remember((table, doc_id), raw)
            self._live += (raw is not None) - had

    def _journal(self, ops: list[tuple[str, str, bytes | None]]) -> int:
        """Append one line (not yet fsynced); returns its number for ``_wait_durable``."""
        if self._fd is None:
            return 0
        line = _journal_line(ops)
        try:
            written = os.write(self._fd, line)
            while written < len(line):  # a short write to a regular file is rare; finish it
                written += os.write(self._fd, line[written:])
        except OSError:
            # Disk full or similar: take back the partial line, so the journal stays
            # readable and the next write does not land after a fragment.
            os.ftruncate(self._fd, self._size)
            raise
        self._size += len(line)
        self._lines += 1
        self._written += 1
        return self._written

    def _wait_durable(self, line: int) -> None:
        """Return once journal line ``line`` is on disk; one fsync covers every line
        appended before it, so concurrent writers share it."""
        if not self._fsync or line == 0:
            return
        with self._sync_lock:
            if self._synced >= line or self._fd is None:  # closed: close() synced it
                return
            target = self._written  # every line up to this one has been appended
            os.fdatasync(self._fd)
            self._synced = target

    def _open(self) -> None:
        assert self.path is not None
        if not self.path.exists():
            self._write_snapshot(self.path)
        else:
            self._replay()
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)
        self._size = os.fstat(self._fd).st_size

    def _replay(self) -> None:
        """Apply the journal line by line (streamed: a 200 MB file never sits in memory whole)."""
        assert self.path is not None
        try:
            f = open(self.path, "rb")
        except OSError as exc:
            raise StoreCorrupt(f"cannot read store file {self.path}: {exc.strerror}") from None
        with f:
            first = f.readline()
            if not first:
                raise StoreCorrupt(
                    f"store file {self.path} is empty (truncated?). It was left as it is: "
                    "move it away or pass another --db to start fresh."
                )
            try:
                header = orjson.loads(first) if first.endswith(b"\n") else None
            except orjson.JSONDecodeError:
                header = None
            if header != HEADER:
                raise StoreCorrupt(
                    f"{self.path} is not a biteship-sandbox store (bad first line). "
                    "It was left as it is: pass another --db."
                )
            number, good_size, tail = 1, len(first), b""
            for raw in f:
                if not raw.endswith(b"\n"):
                    tail = raw
                    break
                number += 1
                try:
                    ops = orjson.loads(raw)
                    if not isinstance(ops, list) or not all(_is_write(op) for op in ops):
                        raise ValueError("not a list of [table, id, document-or-null] writes")
                except (orjson.JSONDecodeError, ValueError) as exc:
                    raise StoreCorrupt(
                        f"store file {self.path} is corrupt at line {number} ({exc}). "
                        "It was left as it is: restore a backup or pass another --db."
                    ) from None
                self._apply([(t, i, orjson.dumps(doc) if doc is not None else None) for t, i, doc in ops])
                good_size += len(raw)
        self._lines = number
        if tail:
            # Killed in the middle of a write: that write was never answered.
            torn = self.path.with_name(self.path.name + ".torn")
            with open(torn, "ab") as out:
                out.write(tail + b"\n")
                out.flush()
                os.fsync(out.fileno())
            with open(self.path, "r+b") as out:
                out.truncate(good_size)
                os.fsync(out.fileno())
            log.warning(
                "store %s ended in an unfinished write (%d bytes, never acknowledged); "
                "moved it to %s",
                self.path,
                len(tail),
                torn,
            )

    def _write_snapshot(self, path: Path) -> None:
        """Write header + one line per document to a temp file, then rename over ``path``."""
        tmp = path.with_name(path.name + ".tmp")
        lines = 1
        with open(tmp, "wb") as f:
            f.write(orjson.dumps(HEADER) + b"\n")
            tables = self._db.storage.read() or {}
            for name in sorted(tables):
                for doc_id, packed in tables[name].items():
                    f.write(_journal_line([(name, doc_id, _unpack(packed))]))
                    lines += 1
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
        self._lines = lines

    def _maybe_compact(self) -> None:
        if self.path is None or self._lines < _COMPACT_MIN_LINES:
            return
        if self._lines <= _COMPACT_RATIO * (self._live + 1):
            return
        with self._sync_lock:  # no fsync may run on the descriptor being replaced
            os.close(self._fd)
            self._fd = None
            self._write_snapshot(self.path)  # fsynced: holds every write so far
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)
            self._size = os.fstat(self._fd).st_size
            self._synced = self._written


def _is_write(op: Any) -> bool:
    return (
        isinstance(op, list)
        and len(op) == 3
        and isinstance(op[0], str)
        and isinstance(op[1], str)
        and (op[2] is None or isinstance(op[2], dict))
    )
