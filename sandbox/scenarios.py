"""Scenarios: named outcomes, one YAML file each, that a test forces on the public API.

A scenario can answer an operation with any error Biteship documents for it (code,
HTTP status and message come from the ``SandboxError`` subclass of that code, its
placeholders filled from the real request), add latency, answer 429 like a rate
limiter (with ``Retry-After``), fail only the first N calls, replace the rates, and
force a status or fields on the draft or order the call returns (persisted).

Three ways select one, checked in this order for each public request:

1. the header ``X-Sandbox-Scenario: <name>``, for that one request;
2. an armed scenario (``POST /_sandbox/scenarios/{name}/arm``), for the next N
   matching calls of that API key;
3. a ``reference_id`` starting with ``scenario:<name>``: sent in the body, or stored on
   the draft/order the path names, so it sticks to every later call on that draft
   and on the order it becomes.

A selected scenario acts only on the operations its file lists. The whole hook is
``ScenarioBook.run``, called once from ``routing._view``; the only service-level hook
is ``adjust_pricing`` (the draft service prices through it, so a forced rate list
also governs which courier an update may pick and at what price).

Files are checked at start-up (``ScenarioFileError`` names the file and the problem),
including that every forced error is one the target operation documents in
``openapi.yaml``. Runtime state (arms, fail-first counters, rate windows) is kept in
memory per API key and cleared by ``POST /_sandbox/reset``.
"""

from __future__ import annotations

import contextvars
import math
import re
import string
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from . import errors, yamlfile

HEADER = "X-Sandbox-Scenario"
REFERENCE_PREFIX = "scenario:"
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_NAME_IN_REFERENCE = re.compile(r"^scenario:([a-z0-9][a-z0-9_-]*)")
CONTROL_TAG = "sandbox"

DRAFT_STATUSES = ("placed", "ready", "confirmed")
ORDER_STATUSES = (
    "confirmed", "scheduled", "allocated", "picking_up", "picked", "cancelled", "on_hold", "in_transit",
    "dropping_off", "return_in_transit", "returned", "rejected", "disposed", "courier_not_found", "delivered",
)  # fmt: skip

#: Fallbacks for a message placeholder the request cannot fill (the docs' examples).
DEFAULT_PLACEHOLDERS = {
    "id": "",
    "status": "placed",
    "number": "1209839012839012",
    "type": "10_days",
    "company": "sicepat",
    "postal_code": "99999",
    "reference_id": "",
}

_KEYS = {
    "name", "description", "operations", "times", "latency_ms", "error", "rate_limit", "rates", "draft",
    "order", "placeholders",
}  # fmt: skip
_PROTECTED_FIELDS = {"id", "user_id", "status", "order_id", "draft_order_id", "object", "success", "code", "message"}


class ScenarioFileError(Exception):
    """A scenario file is invalid; the sandbox refuses to start."""


def _sandbox_errors() -> dict[int, type[errors.SandboxError]]:
    found: dict[int, type[errors.SandboxError]] = {}
    pending = [errors.SandboxError]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        found.setdefault(cls.code, cls)
    return found


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    operations: tuple[str, ...]
    source: str
    times: int | None = None
    latency_ms: float = 0
    error: dict | None = None
    rate_limit: dict | None = None
    rates: dict | None = None
    draft: dict | None = None
    order: dict | None = None
    placeholders: dict = field(default_factory=dict)

    def applies_to(self, operation_id: str) -> bool:
        return operation_id in self.operations

    def error_class(self) -> type[errors.SandboxError] | None:
        return _sandbox_errors()[self.error["code"]] if self.error else None

    def describe(self) -> dict:
        """The listing entry of ``GET /_sandbox/scenarios``."""
        out: dict[str, Any] = {
            "name": self.name,
            "description": self.description,
            "operations": list(self.operations),
            "times": self.times,
            "latency_ms": self.latency_ms,
        }
        if self.error:
            cls = self.error_class()
            out["error"] = {"code": cls.code, "status": cls(message="").status}
        if self.rate_limit:
            out["rate_limit"] = dict(self.rate_limit)
        if self.rates:
            out["rates"] = dict(self.rates)
        if self.draft:
            out["draft"] = dict(self.draft)
        if self.order:
            out["order"] = dict(self.order)
        return out


# --- loading and validation ------------------------------------------------------------


def _documented_codes(spec: dict, op: dict, status: int) -> set[int] | None:
    """Codes named by the operation's documented response for ``status`` (None: undocumented)."""
    response = (op.get("responses") or {}).get(str(status))
    if response is None:
        return None
    text = response.get("description", "")
    ref = response.get("$ref")
    if ref and "description" not in response:
        node = spec
        for part in ref[2:].split("/"):
            node = node[part]
        text = node.get("description", "")
    return {int(c) for c in re.findall(r"\b[1-5][0-9]{7}\b", text)}


def _public_operations(spec: dict) -> dict[str, dict]:
    found = {}
    for item in (spec.get("paths") or {}).values():
        for method, op in item.items():
            if isinstance(op, dict) and "operationId" in op and CONTROL_TAG not in op.get("tags", ()):
                found[op["operationId"]] = op
    return found


def parse(path: Path, data: Any, spec: dict) -> Scenario:
    """One file's content as a ``Scenario``; raises ``ScenarioFileError`` on any problem."""

    def fail(problem: str) -> ScenarioFileError:
        return ScenarioFileError(f"scenario file {path}: {problem}")

    if not isinstance(data, dict):
        raise fail("must be a YAML mapping")
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise fail(f"unknown keys {unknown}; allowed: {sorted(_KEYS)}")
    name = data.get("name")
    if not isinstance(name, str) or not NAME.match(name):
        raise fail("'name' must match [a-z0-9][a-z0-9_-]*")
    if name != path.stem:
        raise fail(f"'name' ({name}) must equal the file name ({path.stem})")
    description = data.get("description")
    if not isinstance(description, str) or not description.strip():
        raise fail("'description' is required")

    public = _public_operations(spec)
    operations = data.get("operations", sorted(public))
    if not isinstance(operations, list) or not operations or not all(isinstance(o, str) for o in operations):
        raise fail("'operations' must be a non-empty list of operationIds")
    for op in operations:
        if op not in public:
            raise fail(f"operation '{op}' is not a public operation of openapi.yaml")

    times = data.get("times")
    if times is not None and (not isinstance(times, int) or isinstance(times, bool) or times < 1):
        raise fail("'times' must be a positive integer")
    latency = data.get("latency_ms", 0)
    if isinstance(latency, bool) or not isinstance(latency, (int, float)) or not 0 <= latency <= 600_000:
        raise fail("'latency_ms' must be a number from 0 to 600000")

    error = data.get("error")
    rate_limit = data.get("rate_limit")
    if error is not None and rate_limit is not None:
        raise fail("'error' and 'rate_limit' exclude each other")
    if error is not None:
        if not isinstance(error, dict) or set(error) - {"code", "message", "details"} or "code" not in error:
            raise fail("'error' must be {code, message?, details?}")
        cls = _sandbox_errors().get(error["code"])
        if cls is None:
            raise fail(f"error code {error['code']} is not a SandboxError in sandbox/errors.py")
        if error.get("message") is not None and not isinstance(error["message"], str):
            raise fail("'error.message' must be a string")
        status = cls(message="").status
        for op in operations:
            codes = _documented_codes(spec, public[op], status)
            if codes is None or cls.code not in codes:
                raise fail(f"{op} does not document error {cls.code} (HTTP {status}) in openapi.yaml")
    if rate_limit is not None:
        if not isinstance(rate_limit, dict) or set(rate_limit) - {"retry_after", "requests_per_second"}:
            raise fail("'rate_limit' must be {retry_after?, requests_per_second?}")
        for key in ("retry_after", "requests_per_second"):
            value = rate_limit.get(key)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < (1 if key == "requests_per_second" else 0)):
                raise fail(f"'rate_limit.{key}' must be a non-negative integer")
        rate_limit = {"retry_after": 1, **rate_limit}
        for op in operations:
            if _documented_codes(spec, public[op], 429) is None:
                raise fail(f"{op} does not document HTTP 429 in openapi.yaml")

    rates = data.get("rates")
    if rates is not None:
        if not isinstance(rates, dict) or not rates or set(rates) - {"pricing", "price", "prices", "couriers"}:
            raise fail("'rates' must be {pricing: []} or any of {price, prices, couriers}")
        if "pricing" in rates and (rates["pricing"] != [] or len(rates) > 1):
            raise fail("'rates.pricing' may only be [] (an empty list), alone")
        if "price" in rates and (not isinstance(rates["price"], int) or rates["price"] < 0):
            raise fail("'rates.price' must be a non-negative integer")
        prices = rates.get("prices", {})
        if not isinstance(prices, dict) or not all(
            isinstance(k, str) and "/" in k and isinstance(v, int) and v >= 0 for k, v in prices.items()
        ):
            raise fail("'rates.prices' maps 'company/type' to a non-negative integer")
        couriers = rates.get("couriers", [])
        if not isinstance(couriers, list) or not all(isinstance(c, str) for c in couriers):
            raise fail("'rates.couriers' is a list of 'company' or 'company/type'")

    forced = {}
    for kind, statuses in (("draft", DRAFT_STATUSES), ("order", ORDER_STATUSES)):
        value = data.get(kind)
        if value is None:
            continue
        if not isinstance(value, dict) or not value or set(value) - {"status", "fields"}:
            raise fail(f"'{kind}' must be {{status?, fields?}}")
        if "status" in value and value["status"] not in statuses:
            raise fail(f"'{kind}.status' must be one of {list(statuses)}")
        fields = value.get("fields", {})
        if not isinstance(fields, dict) or any(
            not isinstance(k, str) or k.split(".")[0] in _PROTECTED_FIELDS for k in fields
        ):
            raise fail(f"'{kind}.fields' maps dotted field paths to values (not {sorted(_PROTECTED_FIELDS)})")
        schema = spec["components"]["schemas"]["DraftOrder" if kind == "draft" else "Order"]
        for key in fields:
            if key.split(".")[0] not in schema.get("properties", {}):
                raise fail(f"'{kind}.fields': '{key.split('.')[0]}' is not a field of the {kind} object")
        forced[kind] = value

    placeholders = data.get("placeholders", {})
    if not isinstance(placeholders, dict):
        raise fail("'placeholders' must be a mapping")
    if not any((error, rate_limit, rates, forced, latency)):
        raise fail("does nothing: give at least one of error, rate_limit, rates, draft, order, latency_ms")

    return Scenario(
        name=name,
        description=" ".join(description.split()),
        operations=tuple(operations),
        source=str(path),
        times=times,
        latency_ms=latency,
        error=error,
        rate_limit=rate_limit,
        rates=rates,
        draft=forced.get("draft"),
        order=forced.get("order"),
        placeholders={str(k): v for k, v in placeholders.items()},
    )


def load(folders: Iterable[Path], spec: dict) -> dict[str, Scenario]:
    """Every ``*.yaml``/``*.yml`` of each folder (missing folders are skipped); a later
    folder may not redefine a name (a clear start-up error instead of a silent override)."""
    found: dict[str, Scenario] = {}
    for folder in folders:
        folder = Path(folder)
        if not folder.is_dir():
            continue
        for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
            try:
                data = yamlfile.load(path.read_text(encoding="utf-8"))
            except yamlfile.YAMLError as exc:
                raise ScenarioFileError(f"scenario file {path}: not valid YAML ({exc})") from None
            scenario = parse(path, data, spec)
            if scenario.name in found:
                raise ScenarioFileError(
                    f"scenario file {path}: '{scenario.name}' is already defined by {found[scenario.name].source}"
                )
            found[scenario.name] = scenario
    return found


# --- the pricing hook (the one service-level hook) --------------------------------------

_ACTIVE: contextvars.ContextVar[Scenario | None] = contextvars.ContextVar("sandbox_scenario", default=None)


def adjust_pricing(pricing: list[dict]) -> list[dict]:
    """The rates list as the active scenario has it (unchanged when none is active)."""
    scenario = _ACTIVE.get()
    if scenario is None or not scenario.rates:
        return pricing
    rates = scenario.rates
    if "pricing" in rates:
        return []
    out = []
    allowed = rates.get("couriers")
    for entry in pricing:
        pair = f"{entry['courier_code']}/{entry['courier_service_code']}"
        if allowed and entry["courier_code"] not in allowed and pair not in allowed:
            continue
        price = rates.get("prices", {}).get(pair, rates.get("price"))
        if price is not None:
            entry = {
                **entry,
                "shipping_fee": price - entry["insurance_fee"] - entry["cash_on_delivery_fee"],
                "price": price,
            }
            if entry["shipping_fee"] < 0:
                entry["shipping_fee"] = 0
                entry["price"] = entry["insurance_fee"] + entry["cash_on_delivery_fee"]
        out.append(entry)
    return out


class active:
    """``with active(scenario):`` prices through ``scenario`` (used by the control plane)."""

    def __init__(self, scenario: Scenario | None):
        self.scenario = scenario

    def __enter__(self):
        self._token = _ACTIVE.set(self.scenario)
        return self.scenario

    def __exit__(self, *exc):
        _ACTIVE.reset(self._token)
        return False


# --- runtime: selection and effects ------------------------------------------------------


@dataclass
class Armed:
    name: str
    remaining: int
    operation: str | None


@dataclass(frozen=True)
class Selection:
    scenario: Scenario
    #: Which fail-first counter this selection uses; None (armed) means "always applies".
    counter: tuple | None


def reference_scenario_name(reference_id: Any) -> str | None:
    if isinstance(reference_id, str):
        match = _NAME_IN_REFERENCE.match(reference_id)
        if match:
            return match.group(1)
    return None


def users_with_references(store) -> set[str]:
    """The keys whose reserved reference_ids include a ``scenario:`` one (read at start-up
    from the reference index, whose ids are ``<user_id>/<reference_id>``)."""
    users = set()
    for doc_id in store.ids("reference_ids"):
        user_id, _, reference_id = doc_id.partition("/")
        if reference_scenario_name(reference_id) is not None:
            users.add(user_id)
    return users


class ScenarioBook:
    """The loaded scenarios plus each API key's runtime state."""

    def __init__(
        self,
        scenarios: dict[str, Scenario],
        sleep: Callable[[float], None] = time.sleep,
        sticky_users: Iterable[str] = (),
    ):
        self.scenarios = scenarios
        # Keys that have (or may have) sent a ``scenario:`` reference_id. Only their
        # calls need the stored draft or order read to find a sticky scenario.
        self._sticky_users = set(sticky_users)
        self.sleep = sleep
        self.monotonic = time.monotonic  # tests replace both
        self._lock = threading.Lock()
        self._armed: dict[str, list[Armed]] = {}
        self._counts: dict[tuple, int] = {}
        self._hits: dict[tuple[str, str], deque] = {}

    # --- control plane --------------------------------------------------------------

    def get(self, name: str) -> Scenario:
        scenario = self.scenarios.get(name)
        if scenario is None:
            raise errors.ScenarioNotFound(name=name)
        return scenario

    def arm(self, user_id: str, name: str, count: int | None, operation: str | None) -> Armed:
        scenario = self.get(name)
        if operation is not None and not scenario.applies_to(operation):
            raise errors.BadRequest(
                details={"operation": [f"Scenario '{name}' acts only on {list(scenario.operations)}."]}
            )
        armed = Armed(name=name, remaining=count or scenario.times or 1, operation=operation)
        with self._lock:
            self._armed.setdefault(user_id, []).append(armed)
        return armed

    def armed(self, user_id: str) -> list[Armed]:
        with self._lock:
            return [Armed(a.name, a.remaining, a.operation) for a in self._armed.get(user_id, [])]

    def reset(self, user_id: str | None = None) -> None:
        with self._lock:
            if user_id is None:
                self._armed.clear()
                self._counts.clear()
                self._hits.clear()
                return
            self._armed.pop(user_id, None)
            for store in (self._counts, self._hits):
                for key in [k for k in store if k[0] == user_id]:
                    del store[key]

    # --- selection ------------------------------------------------------------------

    def select(self, user_id: str, operation_id: str, header: str | None, reference_id: Any,
               stored_reference_id: Any) -> Selection | None:  # fmt: skip
        if header:
            scenario = self.scenarios.get(header.strip())
            if scenario is None:
                raise errors.UnknownScenario(name=header.strip())
            if scenario.applies_to(operation_id):
                return Selection(scenario, (user_id, scenario.name, "header"))
        with self._lock:
            queue = self._armed.get(user_id, [])
            for armed in queue:
                scenario = self.scenarios[armed.name]
                if scenario.applies_to(operation_id) and armed.operation in (None, operation_id):
                    armed.remaining -= 1
                    if armed.remaining <= 0:
                        queue.remove(armed)
                    return Selection(scenario, None)
        name = reference_scenario_name(reference_id)
        if name is not None:
            scenario = self.scenarios.get(name)
            if scenario is None:
                raise errors.UnknownScenario(name=name)
            reference = reference_id
        else:
            name = reference_scenario_name(stored_reference_id)
            # A stored reference whose scenario no longer exists (its file was removed
            # since) is left alone: the draft stays usable.
            scenario = self.scenarios.get(name) if name else None
            reference = stored_reference_id
        if scenario is not None and scenario.applies_to(operation_id):
            return Selection(scenario, (user_id, scenario.name, "reference", reference))
        return None

    def _due(self, selection: Selection) -> bool:
        """Fail-first: a scenario with ``times`` acts on the first N calls of its selection."""
        times = selection.scenario.times
        if selection.counter is None or times is None:
            return True
        with self._lock:
            seen = self._counts.get(selection.counter, 0)
            if seen >= times:
                return False
            self._counts[selection.counter] = seen + 1
            return True

    def _throttled(self, user_id: str, scenario: Scenario) -> int | None:
        """Seconds for ``Retry-After`` when this call is refused, else None."""
        limit = scenario.rate_limit
        rps = limit.get("requests_per_second")
        if rps is None:
            return limit["retry_after"]
        now = self.monotonic()
        with self._lock:
            window = self._hits.setdefault((user_id, scenario.name), deque())
            while window and now - window[0] >= 1.0:
                window.popleft()
            if len(window) >= rps:
                return max(1, math.ceil(1.0 - (now - window[0])))
            window.append(now)
            return None

    # --- the hook ------------------------------------------------------------------------

    def run(self, sb, call, params: dict, header: str | None, invoke: Callable[[], tuple[int, dict]],
            note: Callable[[str], None] = lambda name: None):  # fmt: skip
        """Select a scenario for this public call, apply it around ``invoke`` (the handler);
        ``note`` hears the name of the scenario that acted (for the journal)."""
        account = call.account
        body = call.body if isinstance(call.body, dict) else {}
        if reference_scenario_name(body.get("reference_id")) is not None:
            self._sticky_users.add(account.user_id)
        # The stored record matters only when a scenario may act (its reference, its
        # placeholders); for every other call it is not read at all.
        may_act = header or self._armed.get(account.user_id) or account.user_id in self._sticky_users
        record = _record_for(sb, call, params) if may_act else None
        stored_reference = record.get("reference_id") if record else None
        selection = self.select(
            account.user_id, call.operation.operation_id, header, body.get("reference_id"),
            None if "reference_id" in body else stored_reference,
        )  # fmt: skip
        if selection is None or not self._due(selection):
            return invoke()
        scenario = selection.scenario
        note(scenario.name)
        if scenario.latency_ms:
            self.sleep(scenario.latency_ms / 1000)
        if scenario.rate_limit:
            retry_after = self._throttled(account.user_id, scenario)
            if retry_after is not None:
                error = errors.TooManyRequests()
                error.headers = {"Retry-After": str(retry_after)}
                raise error
        if scenario.error:
            raise forced_error(scenario, params, body, record)
        with active(scenario):
            status, payload = invoke()
        if (scenario.draft or scenario.order) and 200 <= status < 300:
            from .control import service as control

            payload = control.apply_forced(sb, account, scenario, payload)
        return status, payload


def _record_for(sb, call, params: dict) -> dict | None:
    """The caller's draft or order the path names (None when there is none)."""
    record_id = params.get("id")
    if record_id is None:
        return None
    tags = call.operation.tags
    table = "orders" if "orders" in tags else "draft_orders" if "draft_orders" in tags else None
    if table is None:
        return None
    record = sb.store.get(table, record_id)
    if record is None:
        return None
    owner = record["_sandbox"]["user_id"] if table == "orders" else record.get("user_id")
    return record if owner == call.account.user_id else None


def _placeholder_values(params: dict, body: dict, record: dict | None) -> dict:
    record = record or {}
    destination = record.get("destination") or {}
    courier = record.get("courier") or {}
    values = {
        "id": params.get("id"),
        "status": record.get("status"),
        "number": record.get("invoice_id"),
        "type": body.get("destination_cash_on_delivery_type") or (destination.get("cash_on_delivery") or {}).get("type"),
        "company": body.get("courier_company") or courier.get("company"),
        "postal_code": body.get("destination_postal_code") or body.get("origin_postal_code") or destination.get("postal_code"),
        "reference_id": body.get("reference_id") or record.get("reference_id"),
    }  # fmt: skip
    return {k: v for k, v in values.items() if v is not None}


def forced_error(scenario: Scenario, params: dict, body: dict, record: dict | None) -> errors.SandboxError:
    """The scenario's error, its message placeholders filled: the scenario's own
    ``placeholders`` first, then the request (path id, body, the stored record), then
    the docs' example values."""
    cls = scenario.error_class()
    template = scenario.error.get("message") or cls.message
    names = {f for _, f, _, _ in string.Formatter().parse(template) if f}
    values = {**DEFAULT_PLACEHOLDERS, **_placeholder_values(params, body, record), **scenario.placeholders}
    filled = {n: values.get(n, "") for n in names}
    return cls(template, details=scenario.error.get("details"), **filled) if filled else cls(
        template, details=scenario.error.get("details")
    )
