"""Control-plane rules: reset, forced draft and order statuses, the request journal.

No Flask here except ``record_request`` (the journal's after-request hook). Forced
statuses reuse the draft service's own operations (update, rates, confirm), so a
forced record is exactly what the public API would have produced; the order status
machine is the declared ``ORDER_TRANSITIONS`` table.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Any

from .. import errors
from ..auth import Account
from ..fakes import iso_jakarta, iso_utc
from ..http import CODE
from ..state import Sandbox

DRAFTS = "draft_orders"
ORDERS = "orders"

# --- order statuses (https://biteship.com/docs/api/orders/overview) ----------------------

#: Each status and where it may go next. Only confirmed/scheduled/allocated/picking_up
#: may be cancelled (the overview's "available to cancel" column); ``on_hold`` resumes
#: to the status it interrupted (see ``allowed_moves``) or ends the trip.
ORDER_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "confirmed": ("scheduled", "allocated", "cancelled", "courier_not_found", "rejected"),
    "scheduled": ("allocated", "cancelled", "courier_not_found", "rejected"),
    "allocated": ("picking_up", "cancelled", "courier_not_found", "rejected"),
    "picking_up": ("picked", "cancelled", "courier_not_found", "rejected", "on_hold"),
    "picked": ("in_transit", "on_hold", "return_in_transit"),
    "in_transit": ("dropping_off", "on_hold", "return_in_transit"),
    "dropping_off": ("delivered", "on_hold", "return_in_transit"),
    "on_hold": ("return_in_transit", "disposed"),
    "return_in_transit": ("returned", "on_hold", "disposed"),
    "delivered": (),
    "cancelled": (),
    "courier_not_found": (),
    "rejected": (),
    "returned": (),
    "disposed": (),
}

#: ``courier.history[].note`` per status, from the order overview's status table.
STATUS_NOTES = {
    "confirmed": "Order has been confirmed. Locating nearest driver to pick up.",
    "scheduled": "Order has been scheduled and waiting for pickup.",
    "allocated": "Courier has been allocated. Waiting to pick up.",
    "picking_up": "Courier is on the way to pick up item.",
    "picked": "Item has been picked and ready to be shipped.",
    "cancelled": "Order is cancelled.",
    "on_hold": "Your shipment is on hold at the moment. We will ship your item after it's resolved.",
    "in_transit": "Item is on the way to customer.",
    "dropping_off": "Item is on the way to customer.",
    "return_in_transit": "Order is on the way back to the origin.",
    "returned": "Order successfully returned.",
    "rejected": "Your shipment has been rejected. Please contact Biteship for more information.",
    "disposed": "Order successfully disposed.",
    "courier_not_found": "Order is cancelled because there is no courier available at the moment.",
    "delivered": "Item has been delivered.",
}


#: Instant couriers (gojek, grab, ...) have no in_transit leg: picked -> dropping_off.
INSTANT_TRANSITIONS = {**ORDER_TRANSITIONS, "picked": ("dropping_off", "on_hold", "return_in_transit")}


def _table(sb: Sandbox, order: dict) -> dict[str, tuple[str, ...]]:
    service = sb.catalog.get(order["courier"]["company"], order["courier"]["type"])
    return INSTANT_TRANSITIONS if service is not None and service.instant else ORDER_TRANSITIONS


def allowed_moves(sb: Sandbox, order: dict) -> tuple[str, ...]:
    current = order["status"]
    moves = _table(sb, order)[current]
    if current == "on_hold":
        held = [h["status"] for h in order["courier"]["history"] if h["status"] != "on_hold"]
        if held:
            moves = (held[-1], *moves)
    return moves


def _path(sb: Sandbox, order: dict, to: str) -> list[str] | None:
    """The shortest legal walk from the order's status to ``to`` (never through on_hold)."""
    start = order["status"]
    if start == to:
        return []
    table = _table(sb, order)
    previous: dict[str, str] = {start: ""}
    frontier = [start]
    while frontier:
        nxt = []
        for status in frontier:
            moves = allowed_moves(sb, order) if status == start else table[status]
            for move in moves:
                if move in previous or (move == "on_hold" and to != "on_hold"):
                    continue
                previous[move] = status
                if move == to:
                    walk = [move]
                    while previous[walk[-1]] != start:
                        walk.append(previous[walk[-1]])
                    return walk[::-1]
                nxt.append(move)
        frontier = nxt
    return None


def _step(sb: Sandbox, account: Account, order: dict, to: str, now: str) -> None:
    order["status"] = to
    courier = order["courier"]
    if to == "allocated" and not courier.get("driver_name"):
        generated = sb.fakes.record(account.user_id, f"{order['id']}/driver")
        courier["driver_name"] = generated.name("driver_name")
        courier["driver_phone"] = generated.phone("driver_phone")
        courier["driver_plate_number"] = generated.license_plate("driver_plate_number")
    courier["history"].append(
        {"service_type": courier.get("type"), "status": to, "note": STATUS_NOTES[to], "updated_at": now}
    )


def _own_order(tx_or_store, account: Account, order_id: str) -> dict:
    order = tx_or_store.get(ORDERS, order_id)
    if order is None or order["_sandbox"]["user_id"] != account.user_id:
        raise errors.OrderNotFound(details={"order_id": order_id})
    return order


def move_order(sb: Sandbox, account: Account, order_id: str, to: str, *, walk: bool = False) -> dict:
    """One legal move (or, with ``walk``, the shortest legal walk) to ``to``; each step
    is appended to ``courier.history``. An illegal move raises 42299203."""
    now = iso_jakarta(sb.clock.now(account))
    with sb.store.transaction() as tx:
        order = _own_order(tx, account, order_id)
        if walk:
            steps = _path(sb, order, to)
            if steps is None:
                raise errors.OrderStatusMoveRefused(
                    id=order_id, frm=order["status"], to=to, details={"allowed": list(allowed_moves(sb, order))}
                )
        else:
            if to not in allowed_moves(sb, order):
                raise errors.OrderStatusMoveRefused(
                    id=order_id, frm=order["status"], to=to, details={"allowed": list(allowed_moves(sb, order))}
                )
            steps = [to]
        for status in steps:
            _step(sb, account, order, status, now)
        if steps:
            tx.put(ORDERS, order_id, order)
    return order


# --- draft statuses ------------------------------------------------------------------------


def _sticky(sb: Sandbox, draft: dict):
    from ..scenarios import reference_scenario_name

    name = reference_scenario_name(draft.get("reference_id"))
    return sb.scenarios.scenarios.get(name) if (name and sb.scenarios) else None


def force_draft_status(sb: Sandbox, account: Account, draft_id: str, to: str) -> dict:
    """Move a draft to ``placed``/``ready``/``confirmed`` through the draft service's own
    operations: ``ready`` picks the first courier its rates offer (one with cash on
    delivery when the draft has COD), ``confirmed`` also creates the order."""
    from ..draft_orders import service as drafts
    from ..scenarios import active

    draft = drafts.retrieve_draft_order(sb, account, draft_id)
    frm = draft["status"]
    if frm == to:
        return draft
    if frm == "confirmed":
        raise errors.DraftOrderStatusForceRefused(
            id=draft_id, frm=frm, to=to, details="A confirmed draft has its order; it cannot go back."
        )
    with active(_sticky(sb, draft)):
        if to == "placed":
            return drafts.update_draft_order(sb, account, draft_id, {"courier_company": None, "courier_type": None})
        if frm == "placed":
            _, _, pricing = drafts.retrieve_draft_order_rates(sb, account, draft_id)
            if (draft["destination"]["cash_on_delivery"]["amount"] or 0) > 0:
                pricing = [p for p in pricing if p["available_for_cash_on_delivery"]]
            if not pricing:
                raise errors.DraftOrderStatusForceRefused(
                    id=draft_id, frm=frm, to=to, details="No courier is offered for this draft's route."
                )
            first = pricing[0]
            draft = drafts.update_draft_order(
                sb, account, draft_id, {"courier_company": first["company"], "courier_type": first["type"]}
            )
        if to == "confirmed":
            drafts.confirm_draft_order(sb, account, draft_id)
            draft = drafts.retrieve_draft_order(sb, account, draft_id)
    return draft


# --- forced by a scenario ------------------------------------------------------------------


def _set_path(record: dict, dotted: str, value: Any) -> None:
    *parents, leaf = dotted.split(".")
    node = record
    for part in parents:
        if not isinstance(node.get(part), dict):
            node[part] = {}
        node = node[part]
    node[leaf] = value


def _patch(sb: Sandbox, table: str, record_id: str, fields: dict) -> dict:
    with sb.store.transaction() as tx:
        record = tx.get(table, record_id)
        for dotted, value in fields.items():
            _set_path(record, dotted, value)
        tx.put(table, record_id, record)
    return record


def apply_forced(sb: Sandbox, account: Account, scenario, payload: dict) -> dict:
    """A scenario's forced status/fields on the draft or order this response carries,
    persisted, and the response re-rendered from the stored record. A forced status
    the record cannot reach (e.g. a confirmed draft back to placed) is left alone."""
    from ..draft_orders import schemas as draft_schemas
    from ..orders import schemas as order_schemas

    if not isinstance(payload, dict) or "id" not in payload:
        return payload
    if payload.get("object") == "draft_order" and "code" in payload and scenario.draft:
        draft_id = payload["id"]
        if "status" in scenario.draft:
            try:
                force_draft_status(sb, account, draft_id, scenario.draft["status"])
            except errors.DraftOrderStatusForceRefused:
                pass
        if scenario.draft.get("fields"):
            _patch(sb, DRAFTS, draft_id, scenario.draft["fields"])
        return draft_schemas.draft_order(sb.store.get(DRAFTS, draft_id), payload["code"])
    if payload.get("object") == "order" and scenario.order:
        order_id = payload["id"]
        if "status" in scenario.order:
            try:
                move_order(sb, account, order_id, scenario.order["status"], walk=True)
            except errors.OrderStatusMoveRefused:
                pass
        if scenario.order.get("fields"):
            _patch(sb, ORDERS, order_id, scenario.order["fields"])
        return order_schemas.order(sb.store.get(ORDERS, order_id), payload["message"])
    return payload


# --- reset -----------------------------------------------------------------------------------


def _owner(doc) -> str | None:
    owner = doc.get("user_id")
    if owner is None and isinstance(doc.get("_sandbox"), dict):
        owner = doc["_sandbox"].get("user_id")
    return owner


def reset(sb: Sandbox, account: Account, everything: bool) -> int:
    """Remove the key's data (or everything), its arms, journal and clock; returns how
    many stored documents went. The key's sequence counter goes too, so ids restart."""
    if everything:
        removed = sb.store.reset()
        sb.scenarios.reset()
        sb.journal.clear()
        sb.clock.reset()
        return removed
    uid = account.user_id

    def keep(table: str, doc) -> bool:
        # reference_ids are keyed "<user_id>/<reference_id>" and hold no owner field.
        if str(getattr(doc, "doc_id", "")).startswith(uid + "/"):
            return False
        return _owner(doc) != uid

    removed = sb.store.reset(keep=keep)
    sb.scenarios.reset(uid)
    sb.journal.clear(uid)
    sb.clock.reset(account)
    return removed


# --- the request journal -------------------------------------------------------------------


class Journal:
    """The last ``size`` public requests of each key, newest first, in memory only."""

    def __init__(self, size: int = 200):
        self.size = size
        self._lock = threading.Lock()
        self._entries: dict[str, deque] = {}
        self._sequence: dict[str, int] = {}

    def record(self, user_id: str, entry: dict) -> dict:
        with self._lock:
            self._sequence[user_id] = self._sequence.get(user_id, 0) + 1
            entry = {"id": self._sequence[user_id], **entry}
            self._entries.setdefault(user_id, deque(maxlen=self.size)).append(entry)
        return entry

    def query(self, user_id: str, path: str | None = None, status: int | None = None, limit: int | None = None):
        with self._lock:
            entries = list(self._entries.get(user_id, ()))
        found = []
        for entry in reversed(entries):
            if path is not None and not entry["path"].startswith(path):
                continue
            if status is not None and entry["status"] != status:
                continue
            found.append(_parsed(entry))
            if limit is not None and len(found) >= limit:
                break
        return found

    def clear(self, user_id: str | None = None) -> None:
        with self._lock:
            if user_id is None:
                self._entries.clear()
                self._sequence.clear()
            else:
                self._entries.pop(user_id, None)
                self._sequence.pop(user_id, None)


def record_request(response):
    """After-request hook: journal an authenticated public request and its answer.

    The bodies are kept as the bytes that went over the wire and the time as a
    datetime; both are decoded only when the journal is read, so journaling costs a
    request next to nothing."""
    from flask import g, request

    seen = g._get_current_object()
    account = getattr(seen, "account", None)
    if account is None:
        return response
    req = request._get_current_object()
    path = req.path
    if path.startswith("/_sandbox/"):
        return response
    try:
        raw = req.get_data(cache=True)
    except Exception:  # e.g. a body over the size limit (413): journal it without the body
        raw = b""
    sb = seen.sandbox
    sb.journal.record(
        account.user_id,
        {
            "method": req.method,
            "path": path,
            "query": req.query_string.decode("latin-1") or None,
            "status": response.status_code,
            "code": req.environ.get(CODE),
            "scenario": getattr(seen, "scenario", None),
            "request": raw,
            "response": response.get_data(),
            "at": sb.clock.now(account),
        },
    )
    return response


def _parsed(entry: dict) -> dict:
    """A journal entry with its raw bodies decoded (JSON where they are JSON)."""
    import orjson

    def decode(raw: bytes) -> Any:
        if not raw.strip():
            return None
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            return raw.decode("utf-8", "replace")

    return {
        **entry,
        "request": decode(entry["request"]),
        "response": decode(entry["response"]),
        "at": iso_utc(entry["at"]),
    }
