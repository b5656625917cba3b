"""Handlers for ``/v1/orders``: one function per operationId."""

from __future__ import annotations

from ..routing import Call
from . import schemas, service


def retrieve_order(call: Call, id: str):
    """GET /v1/orders/{id}"""
    order = service.retrieve_order(call.sandbox, call.account, id)
    return 200, schemas.order(order, schemas.RETRIEVED_MESSAGE)
