"""The contract suite: Schemathesis drives the public API from ``openapi.yaml``.

In-process over WSGI by default (a fresh in-memory app), stateless and stateful
(the spec's links: create -> retrieve / rates / update / delete / confirm ->
retrieve order), with every check. Set ``SANDBOX_BASE_URL`` to run the same suite
against a running server or container instead. The control plane (tag
``sandbox``) is excluded: it has its own contract tests.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from sandbox import create_app

SPEC = Path(__file__).resolve().parents[2] / "openapi.yaml"
BASE_URL = os.environ.get("SANDBOX_BASE_URL")

schema = schemathesis.openapi.from_path(SPEC).exclude(tag="sandbox")
if BASE_URL:
    schema.config.update(base_url=BASE_URL)
else:
    schema.app = create_app({"DB": ":memory:", "SEED": 7})


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_public_api_conforms(case):
    case.call_and_validate()


APIWorkflow = schema.as_state_machine()
TestDraftOrderWorkflow = APIWorkflow.TestCase
TestDraftOrderWorkflow.settings = settings(
    max_examples=40, stateful_step_count=8, deadline=None, suppress_health_check=list(HealthCheck)
)
