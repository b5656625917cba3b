"""The one store: TinyDB in memory, journaled to an append-only file on disk.

TinyDB's own ``JSONStorage`` rewrites the whole file on every write, and its
``Table`` rebuilds the whole table dict on every write, so a write would cost more
as drafts pile up. Here TinyDB keeps the documents in memory (``MemoryStorage``,
with a table whose writes touch only the changed documents), and every
transaction is appended to a JSON-lines journal as one line, written and fsynced
before the transaction returns, so a write answered 2xx is on disk whatever
happens next. On start-up the journal is replayed; when it has grown to several
times the live data it is compacted into a fresh file with an atomic rename.

Journal format: first line ``{"biteship_sandbox_store": 1}``, then one line per
transaction: ``[[table, doc_id, document-or-null], ...]``. A final line without its
newline is a write the process never acknowledged (killed mid-write): it is moved
aside to ``<path>.torn`` with a warning. Any other unreadable line stops start-up
with ``StoreCorrupt``; the file is never silently replaced.

Readers get deep copies, never live documents (TinyDB issues #516/#551). One
re-entrant lock serialises every read-modify-write of the process.
"""

from __future__ import annotations

import logging
import os
import threading
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


class StoreCorrupt(Exception):
    """The store file cannot be read; the message says where and what to do."""


class _Table(Table):
    """String document ids, and writes that touch only the changed documents."""

    document_id_class = str

    def _update_table(self, updater: Callable[[dict], None]) -> None:
        tables = self._storage.read() or {}
        updater(tables.setdefault(self.name, {}))
        self._storage.write(tables)
        self.clear_cache()


class _TinyDB(TinyDB):
    table_class = _Table


def _copy(doc: Any) -> Any:
    return orjson.loads(orjson.dumps(doc))


class Transaction:
    """Buffered writes; applied and journaled together when the block ends."""

    def __init__(self, store: "Store"):
        self._store = store
        self.ops: list[list[Any]] = []
        self._pending: dict[tuple[str, str], Any] = {}

    def get(self, table: str, doc_id: str) -> dict | None:
        """Read through this transaction's own pending writes."""
        key = (table, doc_id)
        if key in self._pending:
            return _copy(self._pending[key]) if self._pending[key] is not None else None
        return self._store.get(table, doc_id)

    def put(self, table: str, doc_id: str, doc: dict) -> None:
        doc = _copy(doc)
        self.ops.append([table, doc_id, doc])
        self._pending[(table, doc_id)] = doc

    def delete(self, table: str, doc_id: str) -> None:
        self.ops.append([table, doc_id, None])
        self._pending[(table, doc_id)] = None


class Store:
    def __init__(self, path: str | os.PathLike | None = None, *, fsync: bool = True):
        self.lock = threading.RLock()
        self.path = None if path in (None, MEMORY) else Path(path)
        self._fsync = fsync
        self._db = _TinyDB(storage=MemoryStorage)
        self._fd: int | None = None
        self._lines = 0
        if self.path is not None:
            self._open()

    # --- reads ------------------------------------------------------------------

    def get(self, table: str, doc_id: str) -> dict | None:
        with self.lock:
            doc = self._db.table(table).get(doc_id=doc_id)
            return _copy(dict(doc)) if doc is not None else None

    def search(self, table: str, cond) -> list[dict]:
        with self.lock:
            return [_copy(dict(d)) for d in self._db.table(table).search(cond)]

    def all(self, table: str) -> list[dict]:
        with self.lock:
            return [_copy(dict(d)) for d in self._db.table(table).all()]

    def count(self, table: str) -> int:
        with self.lock:
            return len(self._db.table(table))

    # --- writes -----------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Hold the lock; on a clean exit, journal (and fsync) then apply every write.

        An exception inside the block discards every buffered write: nothing is
        half-written, in memory or on disk.
        """
        with self.lock:
            tx = Transaction(self)
            yield tx
            if tx.ops:
                self._journal(tx.ops)
                self._apply(tx.ops)
                self._maybe_compact()

    def reset(self, keep: Callable[[str, dict], bool] | None = None) -> int:
        """Remove every document (or those ``keep`` refuses); returns how many went."""
        with self.transaction() as tx:
            for name in self._db.tables():
                for doc in self._db.table(name).all():
                    if keep is None or not keep(name, doc):
                        tx.delete(name, doc.doc_id)
            return len(tx.ops)

    def close(self) -> None:
        with self.lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None

    # --- internals --------------------------------------------------------------

    def _apply(self, ops: list[list[Any]]) -> None:
        for table, doc_id, doc in ops:
            t = self._db.table(table)

            def write(raw: dict, doc_id=doc_id, doc=doc) -> None:
                if doc is None:
                    raw.pop(doc_id, None)
                else:
                    raw[doc_id] = doc

            t._update_table(write)

    def _journal(self, ops: list[list[Any]]) -> None:
        if self._fd is None:
            return
        line = orjson.dumps(ops) + b"\n"
        written = os.write(self._fd, line)
        while written < len(line):  # a short write to a regular file is rare; finish it
            written += os.write(self._fd, line[written:])
        if self._fsync:
            os.fdatasync(self._fd)
        self._lines += 1

    def _open(self) -> None:
        assert self.path is not None
        if not self.path.exists():
            self._write_snapshot(self.path)
        else:
            self._replay()
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)

    def _replay(self) -> None:
        assert self.path is not None
        try:
            data = self.path.read_bytes()
        except OSError as exc:
            raise StoreCorrupt(f"cannot read store file {self.path}: {exc.strerror}") from None
        if not data:
            raise StoreCorrupt(
                f"store file {self.path} is empty (truncated?). It was left as it is: "
                "move it away or pass another --db to start fresh."
            )
        lines = data.split(b"\n")
        tail = lines.pop()  # b"" when the file ends with a newline
        try:
            header = orjson.loads(lines[0]) if lines else None
        except orjson.JSONDecodeError:
            header = None
        if header != HEADER:
            raise StoreCorrupt(
                f"{self.path} is not a biteship-sandbox store (bad first line). "
                "It was left as it is: pass another --db."
            )
        for number, raw in enumerate(lines[1:], start=2):
            try:
                ops = orjson.loads(raw)
                self._apply(ops)
            except (orjson.JSONDecodeError, TypeError, ValueError) as exc:
                raise StoreCorrupt(
                    f"store file {self.path} is corrupt at line {number} ({exc}). "
                    "It was left as it is: restore a backup or pass another --db."
                ) from None
        self._lines = len(lines)
        if tail:
            # Killed in the middle of a write: that write was never answered.
            torn = self.path.with_name(self.path.name + ".torn")
            with open(torn, "ab") as f:
                f.write(tail + b"\n")
            with open(self.path, "r+b") as f:
                f.truncate(len(data) - len(tail))
                os.fsync(f.fileno())
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
            for name in sorted(self._db.tables()):
                for doc_id, doc in self._db.storage.read().get(name, {}).items():
                    f.write(orjson.dumps([[name, doc_id, doc]]) + b"\n")
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
        live = sum(len(t) for t in (self._db.storage.read() or {}).values())
        if self._lines <= _COMPACT_RATIO * (live + 1):
            return
        os.close(self._fd)
        self._fd = None
        self._write_snapshot(self.path)
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)
