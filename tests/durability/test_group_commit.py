"""Group commit: a transaction returns only once its own journal line is fsynced, and
writers that arrive while an fsync runs share the next one instead of one each. A
failed append leaves no fragment behind."""

from __future__ import annotations

import os
import threading
import time

import pytest

from sandbox import store as store_module
from sandbox.store import Store

THREADS, PER_THREAD = 8, 15


def test_each_transaction_returns_after_its_line_is_synced_and_fsyncs_are_shared(tmp_path, monkeypatch):
    store = Store(tmp_path / "store.json")
    real_write, real_fdatasync = os.write, os.fdatasync
    mine = threading.local()
    synced_up_to = [0]
    fsyncs = [0]
    lock = threading.Lock()

    def write(fd, data):
        n = real_write(fd, data)
        mine.line_end = os.lseek(fd, 0, os.SEEK_CUR)  # O_APPEND: just past this line
        return n

    def fdatasync(fd):
        size = os.fstat(fd).st_size
        time.sleep(0.004)  # a slow disk, so writers pile up behind one fsync
        real_fdatasync(fd)
        with lock:
            synced_up_to[0] = max(synced_up_to[0], size)
            fsyncs[0] += 1

    monkeypatch.setattr(store_module.os, "write", write)
    monkeypatch.setattr(store_module.os, "fdatasync", fdatasync)
    early: list[str] = []

    def writer(n: int) -> None:
        for k in range(PER_THREAD):
            with store.transaction() as tx:
                tx.put("docs", f"{n}-{k}", {"n": n, "k": k})
            with lock:
                if synced_up_to[0] < mine.line_end:
                    early.append(f"{n}-{k} returned before its line was synced")

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    monkeypatch.undo()
    store.close()

    assert early == []
    assert fsyncs[0] < THREADS * PER_THREAD / 2, f"{fsyncs[0]} fsyncs for {THREADS * PER_THREAD} writes"
    reopened = Store(tmp_path / "store.json")
    assert reopened.count("docs") == THREADS * PER_THREAD
    assert reopened.get("docs", "3-7") == {"n": 3, "k": 7}


def test_close_syncs_what_is_pending(tmp_path, monkeypatch):
    store = Store(tmp_path / "store.json", fsync=True)
    with store.transaction() as tx:
        tx.put("docs", "a", {"x": 1})
    calls = []
    monkeypatch.setattr(store_module.os, "fdatasync", lambda fd: calls.append(fd))
    store.close()  # everything was synced when the transaction returned: nothing left to do
    assert calls == []
    assert Store(tmp_path / "store.json").get("docs", "a") == {"x": 1}


def test_a_failed_append_leaves_no_fragment_and_writes_nothing(tmp_path, monkeypatch):
    path = tmp_path / "store.json"
    store = Store(path)
    with store.transaction() as tx:
        tx.put("docs", "a", {"x": 1})
    before = path.read_bytes()
    real_write = os.write

    def disk_full(fd, data):
        real_write(fd, data[:10])  # part of the line reaches the file, then ENOSPC
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store_module.os, "write", disk_full)
    with pytest.raises(OSError, match="No space left"):
        with store.transaction() as tx:
            tx.put("docs", "b", {"x": 2})
    monkeypatch.undo()

    assert path.read_bytes() == before
    assert store.get("docs", "b") is None
    with store.transaction() as tx:
        tx.put("docs", "c", {"x": 3})
    store.close()
    reopened = Store(path)
    assert [reopened.get("docs", k) for k in "abc"] == [{"x": 1}, None, {"x": 3}]
