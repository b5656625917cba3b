"""Handlers for ``/_sandbox/...``: one function per operationId, load -> service -> dump."""

from __future__ import annotations

import datetime as dt
import hmac

from flask import request

from .. import errors
from ..draft_orders import schemas as draft_schemas
from ..orders import schemas as order_schemas
from ..routing import Call
from . import schemas, service

ADMIN_HEADER = "X-Sandbox-Admin-Token"


def sandbox_health(call: Call):
    """GET /_sandbox/health"""
    return 200, schemas.health()


def reset_sandbox(call: Call):
    """POST /_sandbox/reset"""
    data = schemas.Reset().load(call.body if call.body is not None else {})
    if data["all"]:
        _check_admin(call)
    removed = service.reset(call.sandbox, call.account, data["all"])
    return 200, schemas.reset(removed, data["all"])


def list_scenarios(call: Call):
    """GET /_sandbox/scenarios"""
    book = call.sandbox.scenarios
    return 200, schemas.scenarios([s.describe() for s in sorted(book.scenarios.values(), key=lambda s: s.name)])


def arm_scenario(call: Call, name: str):
    """POST /_sandbox/scenarios/{name}/arm"""
    data = schemas.Arm().load(call.body if call.body is not None else {})
    armed = call.sandbox.scenarios.arm(call.account.user_id, name, data["count"], data["operation"])
    return 200, schemas.armed(armed.name, armed.remaining, armed.operation)


def force_draft_order_status(call: Call, id: str):
    """POST /_sandbox/draft_orders/{id}/status"""
    data = schemas.DraftStatus().load(call.body)
    draft = service.force_draft_status(call.sandbox, call.account, id, data["status"])
    return 200, draft_schemas.draft_order(draft, draft_schemas.RETRIEVED)


def force_order_status(call: Call, id: str):
    """POST /_sandbox/orders/{id}/status"""
    data = schemas.OrderStatus().load(call.body)
    order = service.move_order(call.sandbox, call.account, id, data["status"])
    return 200, order_schemas.order(order, order_schemas.RETRIEVED_MESSAGE)


def list_requests(call: Call):
    """GET /_sandbox/requests"""
    query = schemas.RequestsQuery().load(request.args.to_dict())
    entries = call.sandbox.journal.query(call.account.user_id, query["path"], query["status"], query["limit"])
    return 200, schemas.requests(entries)


def set_clock(call: Call):
    """POST /_sandbox/clock"""
    data = schemas.Clock().load(call.body if call.body is not None else {})
    advance = data["advance_seconds"]
    clock = call.sandbox.clock
    now = clock.adjust(
        call.account,
        freeze=data["freeze"],
        set_to=data["set"],
        advance=dt.timedelta(seconds=advance) if advance is not None else None,
    )
    return 200, schemas.clock(now, clock.frozen(call.account))


def _check_admin(call: Call) -> None:
    token = call.sandbox.config.get("ADMIN_TOKEN")
    if not token:
        return
    sent = request.headers.get(ADMIN_HEADER)
    if not sent:
        raise errors.AdminTokenRequired()
    if not hmac.compare_digest(sent.encode(), str(token).encode()):
        raise errors.AdminTokenInvalid()
