"""Handlers for ``/v1/couriers``: one function per operationId, load -> service -> dump."""

from __future__ import annotations

from ..routing import Call
from . import schemas


def retrieve_couriers(call: Call):
    """GET /v1/couriers: every company/service of the catalog, in catalog order."""
    return 200, schemas.couriers(call.sandbox.catalog.services())
