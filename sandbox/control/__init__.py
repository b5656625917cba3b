"""The control plane under ``/_sandbox/``: reset, scenarios, forced statuses, the
request journal and the clock. Tagged ``sandbox`` in openapi.yaml, excluded from the
public contract's fuzzing, scoped to the caller's API key."""

from __future__ import annotations


def install(app) -> None:
    """Record every authenticated public request in the caller's journal."""
    from .service import record_request

    app.after_request(record_request)
