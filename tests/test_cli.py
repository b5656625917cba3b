"""``python -m sandbox``: serving, the access log, and clear start-up failures."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

from server import REPO, free_port, request, running_server
from support import draft_payload


def _run(*args: str, timeout: float = 20) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sandbox", *args], cwd=REPO, capture_output=True, text=True, timeout=timeout
    )


def test_serves_and_logs_one_line_per_request(tmp_path):
    with running_server("--db", str(tmp_path / "db.json")) as (base, process):
        status, body = request(base, "POST", "/v1/draft_orders", draft_payload())
        assert (status, body["code"]) == (201, 20111002)
        status, body = request(base, "GET", "/v1/draft_orders/nope")
        assert (status, body["code"]) == (404, 40411007)
        time.sleep(0.2)
        log = process.log.read_text()
    assert "listening on http://127.0.0.1:" in log
    lines = [line for line in log.splitlines() if line.startswith(("POST ", "GET "))]
    assert lines[0].startswith("POST /v1/draft_orders 201 20111002 ") and lines[0].endswith("ms")
    assert lines[1].startswith("GET /v1/draft_orders/nope 404 40411007 ")


def test_sigterm_stops_cleanly_and_prints_the_queued_log_lines(tmp_path):
    with running_server("--db", str(tmp_path / "db.json")) as (base, process):
        status, _ = request(base, "GET", "/v1/draft_orders/last-one")
        assert status == 404
        process.terminate()  # at once: the line may still be queued
        assert process.wait(10) == 0
        log = process.log.read_text()
    assert "GET /v1/draft_orders/last-one 404 40411007 " in log


def test_data_survives_a_restart(tmp_path):
    db = str(tmp_path / "db.json")
    with running_server("--db", db) as (base, _):
        _, created = request(base, "POST", "/v1/draft_orders", draft_payload())
    with running_server("--db", db) as (base, _):
        status, body = request(base, "GET", f"/v1/draft_orders/{created['id']}")
    assert status == 200 and body["id"] == created["id"]


def test_port_already_in_use():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = _run("--port", str(port), "--db", ":memory:")
    assert result.returncode == 2
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "Traceback" not in result.stderr


def test_unreadable_db_file(tmp_path):
    db = tmp_path / "db.json"
    db.write_text("this is not a store\n")
    result = _run("--port", str(free_port()), "--db", str(db))
    assert result.returncode == 2
    assert "is not a biteship-sandbox store" in result.stderr
    assert "Traceback" not in result.stderr
    assert db.read_text() == "this is not a store\n"


def test_help_lists_the_documented_flags():
    result = _run("--help")
    for flag in ("--host", "--port", "--db", "--seed", "--fixtures"):
        assert flag in result.stdout


def test_access_log_lines_cannot_be_forged(tmp_path):
    with running_server("--db", str(tmp_path / "db.json")) as (base, process):
        status, _ = request(base, "GET", "/v1/draft_orders/x%0AGET%20forged")
        assert status == 404
        time.sleep(0.2)
        log = process.log.read_text()
    assert "GET /v1/draft_orders/x%0AGET%20forged 404 40411007 " in log
    assert not [line for line in log.splitlines() if line.startswith("GET forged")]
