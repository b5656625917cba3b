"""Start the real CLI (``python -m sandbox``) on a free port, for tests over HTTP."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(base_url: str, method: str, path: str, body=None, key: str = "biteship_test.http"):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base_url + path, data=data, method=method, headers={"authorization": key})
    if data is not None:
        req.add_header("content-type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@contextmanager
def running_server(*args: str, port: int | None = None, env: dict | None = None):
    """Yield ``(base_url, process)``; stderr is captured to ``process.log`` (a Path)."""
    port = port or free_port()
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"sandbox-{port}.log"
    with open(log, "wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "sandbox", "--port", str(port), *args],
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            env={**os.environ, **(env or {})},
        )
    process.log = log
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"sandbox exited with {process.returncode}: {log.read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"sandbox did not listen: {log.read_text()}") from None
                time.sleep(0.05)
        yield base_url, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run_readme_script(script: str, db: Path) -> subprocess.CompletedProcess:
    """Run a README shell example as written, its ``BASE=http://127.0.0.1:4000`` pointed
    at a fresh server on a free port."""
    assert "BASE=http://127.0.0.1:4000" in script, "README examples set BASE like the quick start"
    with running_server("--db", str(db)) as (base, _):
        return subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script.replace("BASE=http://127.0.0.1:4000", f"BASE={base}")],
            capture_output=True,
            text=True,
            timeout=60,
        )
