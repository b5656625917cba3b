"""Couriers on the wire: the ``GET /v1/couriers`` response envelope (no request body)."""

from __future__ import annotations

from .service import CourierService


def couriers(services: list[CourierService]) -> dict:
    """``{success, object: "courier", couriers: [...]}`` as Biteship returns it (fact sheet §7)."""
    return {"success": True, "object": "courier", "couriers": [s.to_courier() for s in services]}
