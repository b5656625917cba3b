"""The store: copies out, journaled writes, replay, torn tails, corruption, compaction."""

from __future__ import annotations

import pytest

from sandbox import store as store_module
from sandbox.store import Store, StoreCorrupt


def test_reads_are_copies(tmp_path):
    store = Store(":memory:")
    with store.transaction() as tx:
        tx.put("t", "a", {"n": [1]})
    doc = store.get("t", "a")
    doc["n"].append(2)
    assert store.get("t", "a") == {"n": [1]}


def test_writes_survive_a_reopen(tmp_path):
    path = tmp_path / "db.json"
    store = Store(path)
    with store.transaction() as tx:
        tx.put("drafts", "a", {"status": "placed"})
        tx.put("drafts", "b", {"status": "ready"})
    with store.transaction() as tx:
        tx.delete("drafts", "b")
        tx.put("drafts", "a", {"status": "ready"})
    store.close()
    again = Store(path)
    assert again.all("drafts") == [{"status": "ready"}]
    assert again.get("drafts", "b") is None


def test_an_exception_inside_a_transaction_writes_nothing(tmp_path):
    path = tmp_path / "db.json"
    store = Store(path)
    size = path.stat().st_size
    with pytest.raises(RuntimeError):
        with store.transaction() as tx:
            tx.put("t", "a", {"x": 1})
            raise RuntimeError
    assert store.get("t", "a") is None
    assert path.stat().st_size == size


def test_a_torn_final_line_is_set_aside(tmp_path, caplog):
    path = tmp_path / "db.json"
    store = Store(path)
    with store.transaction() as tx:
        tx.put("t", "a", {"x": 1})
    store.close()
    with open(path, "ab") as f:
        f.write(b'[["t","b",{"x"')  # killed mid-write: never acknowledged
    again = Store(path)
    assert again.get("t", "a") == {"x": 1} and again.get("t", "b") is None
    assert (tmp_path / "db.json.torn").read_bytes() == b'[["t","b",{"x"\n'
    assert "unfinished write" in caplog.text
    with again.transaction() as tx:
        tx.put("t", "c", {"x": 3})
    again.close()
    assert Store(path).get("t", "c") == {"x": 3}


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "is empty"),
        (b'{"something": "else"}\n', "not a biteship-sandbox store"),
        (b'{"biteship_sandbox_store": 1}\nnot json\n[["t","a",{}]]\n', "corrupt at line 2"),
        (b'{"biteship_sandbox_store": 1}\n{"a": 1}\n', "corrupt at line 2"),
    ],
)
def test_a_damaged_file_stops_start_up_and_is_left_alone(tmp_path, content, message):
    path = tmp_path / "db.json"
    path.write_bytes(content)
    with pytest.raises(StoreCorrupt, match=message):
        Store(path)
    assert path.read_bytes() == content


def test_compaction_keeps_the_live_documents(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "_COMPACT_MIN_LINES", 20)
    path = tmp_path / "db.json"
    store = Store(path)
    for i in range(60):
        with store.transaction() as tx:
            tx.put("t", "same", {"i": i})
    lines = path.read_bytes().count(b"\n")
    assert lines < 20  # rewritten as header + live documents, not 61 lines
    store.close()
    assert Store(path).get("t", "same") == {"i": 59}


def test_reset_with_a_filter(tmp_path):
    store = Store(tmp_path / "db.json")
    with store.transaction() as tx:
        tx.put("t", "a", {"owner": "alice"})
        tx.put("t", "b", {"owner": "bob"})
    removed = store.reset(keep=lambda table, doc: doc["owner"] == "bob")
    assert removed == 1
    assert store.all("t") == [{"owner": "bob"}]
