"""Handlers for ``/v1/draft_orders``: one function per operationId, load -> service -> dump."""

from __future__ import annotations

from ..orders import schemas as order_schemas
from ..routing import Call
from . import schemas, service

# Built once: a marshmallow Schema deep-copies its declared fields on construction.
_CREATE = schemas.DraftOrderCreate()
_UPDATE = schemas.DraftOrderUpdate()


def create_draft_order(call: Call):
    """POST /v1/draft_orders"""
    data = _CREATE.load(call.body)
    draft = service.create_draft_order(call.sandbox, call.account, data)
    return 201, schemas.draft_order(draft, schemas.CREATED)


def retrieve_draft_order(call: Call, id: str):
    """GET /v1/draft_orders/{id}"""
    draft = service.retrieve_draft_order(call.sandbox, call.account, id)
    return 200, schemas.draft_order(draft, schemas.RETRIEVED)


def retrieve_draft_order_rates(call: Call, id: str):
    """GET /v1/draft_orders/{id}/rates"""
    origin, destination, pricing = service.retrieve_draft_order_rates(call.sandbox, call.account, id)
    return 200, schemas.courier_pricing(origin, destination, pricing)


def update_draft_order(call: Call, id: str):
    """POST /v1/draft_orders/{id}"""
    data = _UPDATE.load(call.body)
    draft = service.update_draft_order(call.sandbox, call.account, id, data)
    return 200, schemas.draft_order(draft, schemas.UPDATED)


def delete_draft_order(call: Call, id: str):
    """DELETE /v1/draft_orders/{id}"""
    draft = service.delete_draft_order(call.sandbox, call.account, id)
    return 200, schemas.draft_order_deleted(draft["id"])


def confirm_draft_order(call: Call, id: str):
    """POST /v1/draft_orders/{id}/confirm (the body, if any, is ignored)"""
    order = service.confirm_draft_order(call.sandbox, call.account, id)
    return 200, order_schemas.order(order, order_schemas.CREATED_MESSAGE)

