"""Schemathesis hooks for this project, loaded through ``schemathesis.toml`` (``hooks``)
by the in-process contract suite and by the CLI run in ``.ci/run`` alike.

Every link in ``openapi.yaml`` starts at ``POST /v1/draft_orders``. Schemathesis' dependency
analysis reads ``origin_area_id`` as a reference to an "OriginArea" resource that no
operation creates, concludes that create cannot succeed with generated data, and starts
no stateful workflow with it: the stateful phase then only confirms random ids. Area ids
are reference data (any registered id works, and ``schemathesis.toml`` supplies real
ones), so create is made a workflow root again. Nothing else about the run changes.
"""

from __future__ import annotations

from schemathesis.specs.openapi import stateful

_is_likely_root = stateful.is_likely_root_transition


def _create_starts_workflows(operation, node, produced_anywhere) -> bool:
    if operation.method == "post" and operation.path == "/v1/draft_orders":
        return True
    return _is_likely_root(operation, node, produced_anywhere)


stateful.is_likely_root_transition = _create_starts_workflows
