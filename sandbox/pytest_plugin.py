"""pytest plugin (entry point ``pytest11``): the ``biteship_sandbox`` fixture.

After ``pip install biteship-sandbox`` any test can ask for ``biteship_sandbox``: a real
sandbox served by waitress on a free loopback port in a background thread, started once
per session (``biteship_sandbox_server``) and reset before each test that asks for it.
Point the code under test at ``biteship_sandbox.base_url`` with ``biteship_sandbox.api_key``;
the helpers drive the control plane (``/_sandbox/...``) over HTTP.

This module is imported by every pytest run of an environment where the package is
installed, so it imports only the standard library and pytest at import time, defines
no autouse fixture and starts nothing until a test asks for the fixture.

Settings (the environment variable wins over the ini option):

========================== ============================ ================================
ini option                 environment                  default
========================== ============================ ================================
biteship_sandbox_api_key   BITESHIP_SANDBOX_API_KEY     ``biteship_test.pytest``
biteship_sandbox_seed      BITESHIP_SANDBOX_SEED        ``0``
biteship_sandbox_db        BITESHIP_SANDBOX_DB          ``:memory:``
biteship_sandbox_fixtures  BITESHIP_SANDBOX_FIXTURES    none (``os.pathsep``-separated)
biteship_sandbox_url       BITESHIP_SANDBOX_URL         none: serve in-process
========================== ============================ ================================

With ``biteship_sandbox_url`` set, no server is started: the fixture talks to that
running sandbox (a Docker or CI service container) and resets only its own key's data.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import pytest

__all__ = ["BiteshipSandbox", "SandboxControlError"]

_SETTINGS = {
    # name: (help, default)
    "api_key": ("API key the fixture uses (a biteship_test. key)", "biteship_test.pytest"),
    "seed": ("seed of the in-process sandbox's generated ids and values", "0"),
    "db": ("store of the in-process sandbox: ':memory:' or a file path", ":memory:"),
    "fixtures": ("extra fixture folders (areas, scenarios) for the in-process sandbox", ""),
    "url": ("base URL of a running sandbox to use instead of starting one in-process", ""),
}


class SandboxControlError(Exception):
    """A control-plane call answered with an error; ``status`` and ``body`` say which."""

    def __init__(self, method: str, path: str, status: int, body: Any):
        self.status = status
        self.body = body
        message = body.get("error") if isinstance(body, dict) else body
        super().__init__(f"{method} {path} -> {status}: {message}")


class BiteshipSandbox:
    """A running sandbox: where it is, which key to use, and its control plane."""

    def __init__(
        self, base_url: str, api_key: str, *, app: Any = None, admin_token: str | None = None, timeout: float = 10.0
    ):
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        #: The Flask app when served in-process, else None.
        self.app = app
        self.timeout = timeout
        self._admin_token = admin_token

    def __repr__(self) -> str:
        return f"<BiteshipSandbox {self.base_url} key={self.api_key}>"

    @property
    def headers(self) -> dict[str, str]:
        """Headers a Biteship client sends: the raw key in ``authorization``."""
        return {"authorization": self.api_key}

    def url(self, path: str) -> str:
        return self.base_url + "/" + path.lstrip("/")

    def call(
        self, method: str, path: str, body: Any = None, *, api_key: str | None = None, headers: dict | None = None
    ) -> tuple[int, Any]:
        """One HTTP request with the fixture's key (or ``api_key``): ``(status, parsed JSON)``."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url(path), data=data, method=method.upper(), headers=headers or {})
        request.add_header("authorization", api_key or self.api_key)
        if data is not None:
            request.add_header("content-type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read()
        try:
            return status, json.loads(raw) if raw else None
        except ValueError:
            return status, raw.decode("utf-8", "replace")

    # -- control plane -------------------------------------------------------------------

    def _control(self, method: str, path: str, body: Any = None, headers: dict | None = None) -> Any:
        status, payload = self.call(method, path, body, headers=headers)
        if status >= 400:
            raise SandboxControlError(method, path, status, payload)
        return payload

    def health(self) -> dict:
        """``GET /_sandbox/health`` (no key needed)."""
        return self._control("GET", "/_sandbox/health")

    def reset(self) -> dict:
        """Forget the drafts, orders, armed scenarios and journal: of every key when the
        sandbox is served in-process (it is this session's alone), else of this key only."""
        if self._admin_token is None:
            return self._control("POST", "/_sandbox/reset", {"all": False})
        return self._control("POST", "/_sandbox/reset", {"all": True}, {_ADMIN_HEADER: self._admin_token})

    def force_draft_status(self, draft_id: str, status: str) -> dict:
        """Move a draft to ``placed``, ``ready`` (the first courier its rates offer) or
        ``confirmed`` (its order is created), as the public API would have."""
        return self._control("POST", f"/_sandbox/draft_orders/{_quote(draft_id)}/status", {"status": status})

    def force_order_status(self, order_id: str, status: str) -> dict:
        """Move an order one legal step to ``status`` (``allocated``, ``picking_up``, ``picked``, ...)."""
        return self._control("POST", f"/_sandbox/orders/{_quote(order_id)}/status", {"status": status})

    def scenarios(self) -> list[dict]:
        """The scenarios this sandbox knows (``name``, what they do)."""
        return self._control("GET", "/_sandbox/scenarios")["scenarios"]

    def arm(self, scenario: str, count: int = 1, operation: str | None = None) -> dict:
        """Make the next ``count`` matching requests of this key play ``scenario``,
        optionally only for one ``operation`` (an operationId such as ``confirm_draft_order``)."""
        body: dict[str, Any] = {"count": count}
        if operation is not None:
            body["operation"] = operation
        return self._control("POST", f"/_sandbox/scenarios/{_quote(scenario)}/arm", body)

    def requests(self, path: str | None = None, status: int | None = None, limit: int | None = None) -> list[dict]:
        """The request journal of this key (its entries), optionally filtered by path and HTTP status."""
        query = {k: v for k, v in (("path", path), ("status", status), ("limit", limit)) if v is not None}
        suffix = "?" + urllib.parse.urlencode(query) if query else ""
        return self._control("GET", "/_sandbox/requests" + suffix)["requests"]

    def clock(self, freeze: bool | None = None, set: str | None = None, advance_seconds: float | None = None) -> dict:
        """Freeze, set (ISO 8601) or advance the sandbox clock; with no argument, read it."""
        body = {k: v for k, v in (("freeze", freeze), ("set", set), ("advance_seconds", advance_seconds)) if v is not None}
        return self._control("POST", "/_sandbox/clock", body)


_ADMIN_HEADER = "X-Sandbox-Admin-Token"


def _quote(segment: str) -> str:
    return urllib.parse.quote(str(segment), safe="")


class _ServerThread:
    """The sandbox app served by waitress on a free loopback port, in a daemon thread."""

    def __init__(self, app: Any, threads: int = 4):
        from waitress.server import create_server

        self.app = app
        self.server = create_server(app, host="127.0.0.1", port=0, threads=threads, ident="biteship-sandbox")
        self.base_url = f"http://127.0.0.1:{self.server.effective_port}"
        self.thread = threading.Thread(target=self._run, name="biteship-sandbox", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.server.run()
        except OSError:
            pass  # sockets closed under the loop by stop()

    def stop(self, timeout: float = 5.0) -> None:
        def close_all() -> None:
            for channel in list(self.server._map.values()):
                channel.close()

        # Closing every socket from inside the loop's own thread ends the loop cleanly.
        self.server.trigger.pull_trigger(close_all)
        self.thread.join(timeout)
        self.server.task_dispatcher.shutdown(timeout=timeout)
        self.app.extensions["sandbox"].store.close()


def _setting(config: pytest.Config, name: str) -> str:
    env = os.environ.get(f"BITESHIP_SANDBOX_{name.upper()}")
    if env is not None:
        return env
    value = config.getini(f"biteship_sandbox_{name}")
    return os.pathsep.join(value) if isinstance(value, list) else str(value)


def pytest_addoption(parser: pytest.Parser) -> None:
    for name, (help_text, default) in _SETTINGS.items():
        listed = name == "fixtures"
        parser.addini(
            f"biteship_sandbox_{name}",
            f"{help_text} [BITESHIP_SANDBOX_{name.upper()}]",
            type="linelist" if listed else "string",
            default=[] if listed else default,
        )


@pytest.fixture(scope="session")
def biteship_sandbox_server(pytestconfig: pytest.Config):
    """The session's sandbox, started on first use; not reset (see ``biteship_sandbox``)."""
    api_key = _setting(pytestconfig, "api_key")
    url = _setting(pytestconfig, "url")
    if url:
        yield BiteshipSandbox(url, api_key)
        return

    from . import create_app

    extra = [p for p in _setting(pytestconfig, "fixtures").split(os.pathsep) if p]
    root = pytestconfig.rootpath
    # This server is the session's alone, so its reset may wipe every key: with a token
    # only the fixture knows (whatever SANDBOX_ADMIN_TOKEN the environment holds).
    admin_token = secrets.token_hex(16)
    app = create_app(
        {
            "DB": _setting(pytestconfig, "db"),
            "SEED": int(_setting(pytestconfig, "seed")),
            "EXTRA_FIXTURES": [str(root / p) for p in extra],
            "ADMIN_TOKEN": admin_token,
        }
    )
    server = _ServerThread(app)
    try:
        yield BiteshipSandbox(server.base_url, api_key, app=app, admin_token=admin_token)
    finally:
        server.stop()


@pytest.fixture
def biteship_sandbox(biteship_sandbox_server: BiteshipSandbox) -> BiteshipSandbox:
    """The session's sandbox, reset for this test's key."""
    biteship_sandbox_server.reset()
    return biteship_sandbox_server
