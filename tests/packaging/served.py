"""Start a sandbox command as a child process, wait for it, stop it (packaging and image tests)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from server import free_port, request  # noqa: F401  (the packaging tests call both through here)

#: Variables of the developer's shell that would change what a child sandbox does.
_FOREIGN = ("SANDBOX_", "BITESHIP_SANDBOX_", "PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(_FOREIGN)}
    env.update(extra)
    return env


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@contextmanager
def serving(cmd: list[str], env: dict[str, str], port: int, cwd: Path, timeout: float = 30) -> Iterator[subprocess.Popen]:
    """Run ``cmd`` until the block ends; fail with its output if it never listens on ``port``."""
    log = cwd / f"server-{port}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + timeout
        while not _listening(port):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"{cmd} did not start (exit {proc.poll()}):\n{log.read_text()}")
            time.sleep(0.1)
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
