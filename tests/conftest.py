"""Shared fixtures: a fresh in-memory app per test, its client and state, and ``api``."""

from __future__ import annotations

import pytest
from support import Api

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
