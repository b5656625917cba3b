"""``openapi.yaml`` is the router: each operation is bound to the handler named by
its ``operationId``.

Start-up fails (``RoutingError``) when an operation has no handler or a handler has
no operation, so the spec and the code cannot drift apart. Every request then runs
one ordered pipeline: route (Flask, from the spec) -> authenticate -> read the JSON
body (only where the operation declares one) -> handler -> render. Any step that
fails raises a ``SandboxError`` and ``errors.render`` answers at once.
"""

from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass
from typing import Any, Callable

from flask import Flask, g, request

from . import auth
from .http import CODE, json_response, path_param, read_json_body
from .scenarios import HEADER as SCENARIO_HEADER
from .spec import Operation

#: Modules whose public functions are handlers, one per operationId.
HANDLER_MODULES = (
    "sandbox.draft_orders.handlers",
    "sandbox.orders.handlers",
    "sandbox.maps.handlers",
    "sandbox.couriers.handlers",
    "sandbox.control.handlers",
)


class RoutingError(Exception):
    """The spec and the handlers disagree; the app refuses to start."""


@dataclass(slots=True)
class Call:
    """What a handler gets: the app's state, the caller, and the parsed body."""

    sandbox: Any
    account: auth.Account | None
    body: Any
    operation: Operation


Handler = Callable[..., tuple[int, dict]]


def collect_handlers(modules: tuple[str, ...] = HANDLER_MODULES) -> dict[str, Handler]:
    handlers: dict[str, Handler] = {}
    for name in modules:
        module = importlib.import_module(name)
        for attr, fn in vars(module).items():
            if attr.startswith("_") or not inspect.isfunction(fn) or fn.__module__ != module.__name__:
                continue
            if attr in handlers:
                raise RoutingError(f"handler {attr} is defined twice ({name})")
            handlers[attr] = fn
    return handlers


def bind(app: Flask, operations: list[Operation], handlers: dict[str, Handler]) -> None:
    wanted = {op.operation_id for op in operations}
    missing = sorted(wanted - handlers.keys())
    unused = sorted(handlers.keys() - wanted)
    if missing or unused:
        raise RoutingError(
            f"openapi.yaml and the handlers disagree: operations without a handler {missing}, "
            f"handlers without an operation {unused}"
        )
    for op in operations:
        app.add_url_rule(
            op.rule,
            endpoint=op.operation_id,
            view_func=_view(op, handlers[op.operation_id]),
            methods=[op.method],
            provide_automatic_options=False,
        )


def _view(op: Operation, handler: Handler):
    def view(**params: str):
        from flask import current_app

        req, seen = request._get_current_object(), g._get_current_object()
        sandbox = seen.sandbox = current_app.extensions["sandbox"]
        headers = req.headers
        account = seen.account = auth.authenticate(headers.get("authorization")) if op.secured else None
        body = read_json_body(req) if op.has_body and (op.body_required or req.get_data(cache=True).strip()) else None
        call = Call(sandbox=sandbox, account=account, body=body, operation=op)
        params = {k: path_param(v) for k, v in params.items()}
        if account is None or "sandbox" in op.tags:
            status, payload = handler(call, **params)
        else:
            # The one scenario hook: a selected scenario may answer instead of the
            # handler, delay it, or reshape what it returns (sandbox/scenarios.py).
            status, payload = sandbox.scenarios.run(
                sandbox, call, params, headers.get(SCENARIO_HEADER), lambda: handler(call, **params),
                note=lambda name: setattr(seen, "scenario", name),
            )  # fmt: skip
        req.environ[CODE] = payload.get("code") if isinstance(payload, dict) else None
        return json_response(payload, status)

    view.__name__ = op.operation_id
    return view
