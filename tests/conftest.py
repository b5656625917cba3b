"""Shared fixtures: a fresh in-memory app per test, its client and state, and ``api``."""

from __future__ import annotations

import pytest
from support import Api, check

from sandbox import create_app


@pytest.fixture
def app():
    return create_app({"DB": ":memory:", "SEED": 1})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def sandbox(app):
    return app.extensions["sandbox"]


@pytest.fixture
def api(client) -> Api:
    return Api(client)


@pytest.fixture
def conforms():
    """``conforms(response, operation_id)``: the status is documented for the operation in
    openapi.yaml and the body validates against that response's schema; returns the body."""

    def conforms(response, operation_id: str):
        check(response.get_json(), operation_id, response.status_code)
        return response.get_json()

    return conforms


@pytest.fixture
def check_body():
    """``check_body(body, operation_id, status)`` for bodies built without a request."""
    return check
