"""A damaged store file at start-up, through the real CLI (``python -m sandbox``).

Empty, truncated inside its first line, not a sandbox store, or corrupt in the
middle: the process exits non-zero with a message on stderr naming the file, and
the file is left byte for byte as it was (never silently replaced). A final line
cut short (a write killed mid-way, never acknowledged) is what the store documents:
moved to ``<db>.torn`` with a warning, and every complete write before it served.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from support import draft_payload
from server import REPO, free_port, request, running_server

DRAFT = draft_payload()


@pytest.fixture(scope="module")
def good_store(tmp_path_factory) -> tuple[bytes, list[str]]:
    """The bytes of a store file holding three drafts, and their ids."""
    db = tmp_path_factory.mktemp("good") / "store.json"
    with running_server("--db", str(db)) as (base_url, _):
        ids = []
        for _ in range(3):
            status, draft = request(base_url, "POST", "/v1/draft_orders", DRAFT)
            assert status == 201, draft
            ids.append(draft["id"])
    return db.read_bytes(), ids


def start(db) -> subprocess.CompletedProcess:
    """Run the CLI on ``db``; a refused file makes it exit at once."""
    return subprocess.run(
        [sys.executable, "-m", "sandbox", "--port", str(free_port()), "--db", str(db)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=30,
    )


def damaged(good: bytes, how: str) -> bytes:
    lines = good.split(b"\n")
    if how == "empty":
        return b""
    if how == "cut inside the first line":
        return good[:10]
    if how == "not a sandbox store":
        return b'{"_default": {"1": {"id": "x"}}}\n'
    if how == "garbage in the middle":
        return b"\n".join(lines[:2] + [b'[["draft_orders", "x", {"id": '] + lines[2:])
    if how == "a line of the wrong shape":
        return b"\n".join(lines[:2] + [b'{"draft_orders": "x"}'] + lines[2:])
    if how == "zeros in the middle":
        return b"\n".join(lines[:2] + [b"\0" * 64] + lines[2:])
    raise AssertionError(how)


@pytest.mark.parametrize(
    "how, message",
    [
        ("empty", "is empty (truncated?)"),
        ("cut inside the first line", "is not a biteship-sandbox store"),
        ("not a sandbox store", "is not a biteship-sandbox store"),
        ("garbage in the middle", "is corrupt at line 3"),
        ("a line of the wrong shape", "is corrupt at line 3"),
        ("zeros in the middle", "is corrupt at line 3"),
    ],
)
def test_a_damaged_store_stops_start_up_and_is_left_byte_identical(tmp_path, good_store, how, message):
    db = tmp_path / "store.json"
    content = damaged(good_store[0], how)
    db.write_bytes(content)

    result = start(db)

    assert result.returncode != 0
    assert message in result.stderr
    assert str(db) in result.stderr
    assert "Traceback" not in result.stderr
    assert db.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store.json"], "nothing written beside it either"


def test_a_torn_final_line_is_set_aside_and_the_rest_is_served(tmp_path, good_store):
    good, ids = good_store
    db = tmp_path / "store.json"
    torn_tail = b'[["draft_orders","half-written",{"id":"half-wri'
    db.write_bytes(good + torn_tail)

    with running_server("--db", str(db)) as (base_url, process):
        for draft_id in ids:
            status, draft = request(base_url, "GET", f"/v1/draft_orders/{draft_id}")
            assert status == 200, draft
        status, draft = request(base_url, "POST", "/v1/draft_orders", DRAFT)
        assert status == 201, draft

    assert "unfinished write" in process.log.read_text()
    assert (tmp_path / "store.json.torn").read_bytes() == torn_tail + b"\n"
    assert db.read_bytes().startswith(good)
    assert db.read_bytes().endswith(b"\n")


def test_a_missing_store_file_is_created(tmp_path):
    db = tmp_path / "new.json"
    with running_server("--db", str(db)) as (base_url, _):
        status, _ = request(base_url, "POST", "/v1/draft_orders", DRAFT)
        assert status == 201
    assert db.read_bytes().startswith(b'{"biteship_sandbox_store":1}\n')
