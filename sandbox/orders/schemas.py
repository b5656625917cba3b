"""Orders on the wire: the response envelopes."""

from __future__ import annotations

CREATED_MESSAGE = "Order successfully created"
RETRIEVED_MESSAGE = "Order successfully retrieved"


def order(record: dict, message: str) -> dict:
    # Order responses carry ``message`` and no ``code`` (confirm and orders pages).
    body = {"success": True, "message": message, "object": "order"}
    body.update((k, v) for k, v in record.items() if not k.startswith("_"))
    return body
