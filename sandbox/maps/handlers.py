"""Handlers for ``/v1/maps``: one function per operationId, load -> service -> dump."""

from __future__ import annotations

from flask import request

from ..routing import Call
from . import schemas

#: Most areas one search returns, best first. Biteship documents no limit. 50 holds every
#: area of any postal code (at most 9) and of most cities (Jakarta Selatan has 57 areas:
#: a search for it lists its first 50; a narrower query finds the rest).
SEARCH_LIMIT = 50


def retrieve_areas(call: Call):
    """GET /v1/maps/areas?countries=ID&input=...&type=single"""
    query = schemas.AreaSearchQuery().load(request.args.to_dict(flat=True))
    return 200, schemas.areas(call.sandbox.areas.search(query["input"], SEARCH_LIMIT))
