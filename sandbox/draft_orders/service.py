"""Draft order rules: the status machine, area resolution, pricing, and every check
Biteship documents for the six draft endpoints. No Flask here: functions take the
``Sandbox`` state and the caller's ``Account`` and raise ``SandboxError``s.

A stored draft is its wire object plus ``_sandbox``, which keeps what the wire
object does not show but the order needs later: the merged request input (items
with ``category``/``sku``, ``shipper_*``, ``order_note``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .. import errors, scenarios
from ..auth import Account
from ..couriers.pricing import Place, distance_km, proof_of_delivery_fee, quote
from ..fakes import JAKARTA, iso_utc
from ..maps.service import Area
from ..orders import service as orders
from ..state import Sandbox
from .schemas import COD_TYPES, LOCATION_FIELDS, SIDES

DRAFTS = "draft_orders"
REFERENCES = "reference_ids"
ACCOUNTS = "accounts"

COD_MAX = 15_000_000

# --- status machine (https://biteship.com/en/docs/api/draft_orders/overview) --------

#: Every legal move, and what makes it. Nothing else assigns ``status``.
TRANSITIONS: dict[tuple[str | None, str], str] = {
    (None, "placed"): "create without a courier",
    (None, "ready"): "create with courier_company + courier_type",
    ("placed", "ready"): "update sets courier_company + courier_type",
    ("ready", "ready"): "update changes the courier, or anything else",
    ("placed", "placed"): "update without a courier",
    # Documented for instant couriers moved off coordinates; the sandbox applies it
    # whenever the draft's courier is no longer offered for the updated draft.
    ("ready", "placed"): "update leaves the courier unavailable: courier cleared",
    ("ready", "confirmed"): "confirm",
}
#: The status table's "Available to Delete" column.
DELETABLE = {"placed": True, "ready": True, "confirmed": False}


def transition(draft: dict, to: str, now: str) -> None:
    """Move ``draft`` to ``to``, stamping ``<to>_at``; refuses a move not in TRANSITIONS."""
    frm = draft.get("status")
    if (frm, to) not in TRANSITIONS:
        if to == "confirmed":
            raise errors.DraftOrderNotReady(id=draft["id"], status=frm)
        raise errors.DraftOrderConfirmed(id=draft["id"])
    if frm != to:
        draft[f"{to}_at"] = now
    draft["status"] = to


# --- lookups -------------------------------------------------------------------------


def _live_draft(tx_or_store, account: Account, draft_id: str) -> dict:
    """The caller's draft, or 40411007: unknown, deleted and other keys' drafts alike."""
    draft = tx_or_store.get(DRAFTS, draft_id)
    if draft is None or draft["user_id"] != account.user_id or draft["deleted_at"] is not None:
        raise errors.DraftOrderNotFound(id=draft_id)
    return draft


def _next_sequence(tx, account: Account) -> int:
    doc = tx.get(ACCOUNTS, account.user_id) or {"user_id": account.user_id, "sequence": 0}
    doc["sequence"] += 1
    tx.put(ACCOUNTS, account.user_id, doc)
    return doc["sequence"]


def _reference_key(account: Account, reference_id: str) -> str:
    return f"{account.user_id}/{reference_id}"


# --- the six operations ----------------------------------------------------------------


def create_draft_order(sb: Sandbox, account: Account, data: dict) -> dict:
    _check_cash_on_delivery(data)
    if data.get("destination_proof_of_delivery") and not data.get("destination_proof_of_delivery_note"):
        # Required when POD is on (create page and order create; the update page says optional).
        raise errors.BadRequest(
            details={"destination_proof_of_delivery_note": ["Required when destination_proof_of_delivery is true."]}
        )
    now = iso_utc(sb.clock.now(account))
    with sb.store.transaction() as tx:
        _reserve_reference(tx, account, data.get("reference_id"), draft_id=None)
        sequence = _next_sequence(tx, account)
        generated = sb.fakes.record(account.user_id, sequence)
        draft: dict[str, Any] = {
            "id": generated.uuid4("draft_order_id"),
            "order_id": None,
            "status": None,
            "invoice_id": generated.digits("invoice_id", 16),
            "user_id": account.user_id,
            "created_at": now,
            "updated_at": now,
            "placed_at": None,
            "ready_at": None,
            "confirmed_at": None,
            "deleted_at": None,
        }
        draft = _build(sb, draft, data, courier_sent=_courier_sent(data), now=now)
        if data.get("reference_id"):
            tx.put(REFERENCES, _reference_key(account, data["reference_id"]), {"draft_order_id": draft["id"]})
        tx.put(DRAFTS, draft["id"], draft)
    return draft


def retrieve_draft_order(sb: Sandbox, account: Account, draft_id: str) -> dict:
    return _live_draft(sb.store, account, draft_id)


def retrieve_draft_order_rates(sb: Sandbox, account: Account, draft_id: str) -> tuple[dict, dict, list[dict]]:
    draft = _live_draft(sb.store, account, draft_id)
    if draft["status"] == "confirmed":
        raise errors.DraftOrderConfirmed(id=draft_id)
    route = _Route.of(sb, draft["_sandbox"]["input"])
    return route.location("origin"), route.location("destination"), route.pricing(sb)


def update_draft_order(sb: Sandbox, account: Account, draft_id: str, data: dict) -> dict:
    _check_cash_on_delivery(data)
    now = iso_utc(sb.clock.now(account))
    with sb.store.transaction() as tx:
        draft = _live_draft(tx, account, draft_id)
        if draft["status"] == "confirmed":
            raise errors.DraftOrderConfirmed(id=draft_id)
        merged = _merge(draft["_sandbox"]["input"], data)
        old_ref, new_ref = draft["reference_id"], merged.get("reference_id")
        if "reference_id" in data and new_ref != old_ref:
            # Update has no 42211015 row in the docs, but uniqueness must hold both ways.
            _reserve_reference(tx, account, new_ref, draft_id=draft_id)
            if old_ref:
                tx.delete(REFERENCES, _reference_key(account, old_ref))
            if new_ref:
                tx.put(REFERENCES, _reference_key(account, new_ref), {"draft_order_id": draft_id})
        draft["updated_at"] = now
        draft = _build(sb, draft, merged, courier_sent=_courier_sent(data), now=now)
        tx.put(DRAFTS, draft_id, draft)
    return draft


def delete_draft_order(sb: Sandbox, account: Account, draft_id: str) -> dict:
    now = iso_utc(sb.clock.now(account))
    with sb.store.transaction() as tx:
        draft = _live_draft(tx, account, draft_id)
        if not DELETABLE[draft["status"]]:
            raise errors.DraftOrderConfirmed(id=draft_id)
        # "Deleted for good": kept only as a tombstone with deleted_at, answered 404
        # afterwards; its reference_id is free for a new draft.
        draft["deleted_at"] = now
        draft["updated_at"] = now
        if draft["reference_id"]:
            tx.delete(REFERENCES, _reference_key(account, draft["reference_id"]))
        tx.put(DRAFTS, draft_id, draft)
    return draft


def confirm_draft_order(sb: Sandbox, account: Account, draft_id: str) -> dict:
    """``ready`` -> ``confirmed``; creates the order and returns it."""
    moment = sb.clock.now(account)
    now = iso_utc(moment)
    with sb.store.transaction() as tx:
        draft = _live_draft(tx, account, draft_id)
        if draft["status"] != "ready":
            raise errors.DraftOrderNotReady(id=draft_id, status=draft["status"])
        service = sb.catalog.get(draft["courier"]["company"], draft["courier"]["type"])
        generated = sb.fakes.record(account.user_id, _next_sequence(tx, account))
        order = orders.order_from_draft(draft, service, generated, moment)
        transition(draft, "confirmed", now)
        draft["order_id"] = order["id"]
        draft["updated_at"] = now
        tx.put(DRAFTS, draft_id, draft)
        tx.put(orders.ORDERS, order["id"], order)
    return order


# --- building the draft object from its input ----------------------------------------


def _courier_sent(data: dict) -> bool:
    return "courier_company" in data or "courier_type" in data


def _merge(current: dict, data: dict) -> dict:
    """Partial update: only the fields sent change.

    Location fields are replaced per side as a set: sending ``origin_postal_code``
    alone moves the origin to that postal code and drops its old coordinate and
    area id ("you may switch from postal code to coordinates", update page).
    """
    merged = dict(current)
    for side in SIDES:
        if any(f"{side}_{f}" in data for f in LOCATION_FIELDS):
            for f in LOCATION_FIELDS:
                merged.pop(f"{side}_{f}", None)
    merged.update(data)
    return merged


def _check_cash_on_delivery(data: dict) -> None:
    cod_type = data.get("destination_cash_on_delivery_type")
    if cod_type is not None and cod_type not in COD_TYPES:
        raise errors.CashOnDeliveryTypeInvalid(type=cod_type)
    amount = data.get("destination_cash_on_delivery")
    if amount is not None and amount > COD_MAX:
        raise errors.CashOnDeliveryAmountExceeded()


def _reserve_reference(tx, account: Account, reference_id: str | None, draft_id: str | None) -> None:
    # An empty reference_id reserves nothing.
    if not reference_id:
        return
    held = tx.get(REFERENCES, _reference_key(account, reference_id))
    if held is not None and held["draft_order_id"] != draft_id:
        raise errors.ReferenceIdTaken(reference_id=reference_id)


class _Route:
    """Both sides of a draft resolved to areas, and the points used for distance."""

    def __init__(self, data: dict, areas: dict[str, Area]):
        self.data = data
        self.areas = areas
        self.places = {side: self._place(side) for side in SIDES}

    @classmethod
    def of(cls, sb: Sandbox, data: dict) -> "_Route":
        return cls(data, {side: _resolve_area(sb, data, side) for side in SIDES})

    def _place(self, side: str) -> Place:
        area, coordinate = self.areas[side], self.data.get(f"{side}_coordinate")
        return Place(
            latitude=coordinate["latitude"] if coordinate else area.latitude,
            longitude=coordinate["longitude"] if coordinate else area.longitude,
            has_coordinate=coordinate is not None,
            city_name=area.city_name,
            province_name=area.province_name,
            postal_code=area.postal_code,
        )

    def distance(self) -> float:
        return distance_km(self.places["origin"], self.places["destination"])

    def pricing(self, sb: Sandbox, only: tuple[str, str] | None = None) -> list[dict]:
        """The rates' pricing list; with ``only``, just that courier pair's entry (if offered)."""
        d = self.data
        services = None
        if only is not None:
            service = sb.catalog.get(*only)
            services = [service] if service is not None else []
        return scenarios.adjust_pricing(quote(
            sb.catalog,
            self.places["origin"],
            self.places["destination"],
            d["items"],
            insurance=d.get("courier_insurance"),
            cash_on_delivery=d.get("destination_cash_on_delivery"),
            proof_of_delivery=bool(d.get("destination_proof_of_delivery")),
            services=services,
        ))  # fmt: skip

    def location(self, side: str) -> dict:
        """One side as the rates body's location object."""
        area, coordinate = self.areas[side], self.data.get(f"{side}_coordinate") or {}
        return {
            "location_id": None,
            "latitude": coordinate.get("latitude"),
            "longitude": coordinate.get("longitude"),
            "postal_code": area.postal_code,
            "country_name": "Indonesia",
            "country_code": "ID",
            "administrative_division_level_1_name": area.province_name,
            "administrative_division_level_1_type": "province",
            "administrative_division_level_2_name": area.city_name,
            "administrative_division_level_2_type": "city",
            "administrative_division_level_3_name": area.district_name,
            "administrative_division_level_3_type": "district",
            "administrative_division_level_4_name": area.subdistrict_name,
            "administrative_division_level_4_type": "subdistrict",
            "address": self.data.get(f"{side}_address"),
        }


def _resolve_area(sb: Sandbox, data: dict, side: str) -> Area:
    """Area id (most precise), else postal code, else the nearest area to the coordinate."""
    area_id = data.get(f"{side}_area_id")
    if area_id is not None:
        area = sb.areas.get(area_id)
        if area is None:
            raise errors.BadRequest(details={f"{side}_area_id": [f"Area '{area_id}' is not found."]})
        return area
    postal_code = data.get(f"{side}_postal_code")
    if postal_code is not None:
        area = sb.areas.by_postal_code(postal_code)
        if area is None:
            raise errors.PostalCodeNotRegistered(postal_code=postal_code)
        return area
    coordinate = data[f"{side}_coordinate"]
    return sb.areas.nearest(coordinate["latitude"], coordinate["longitude"])


def _build(sb: Sandbox, draft: dict, data: dict, *, courier_sent: bool, now: str) -> dict:
    """(Re)derive the whole wire object from the merged input; returns the new record."""
    route = _Route.of(sb, data)
    company, service_type = data.get("courier_company"), data.get("courier_type")
    if bool(company) != bool(service_type):
        raise errors.BadRequest(
            details={"courier_type": ["courier_company and courier_type are set together."]}
        )
    if data.get("delivery_type") == "scheduled" and not (data.get("delivery_date") and data.get("delivery_time")):
        raise errors.BadRequest(details={"delivery_date": ["Scheduled delivery needs delivery_date and delivery_time."]})

    entry = None
    if company:
        pricing = route.pricing(sb, only=(company, service_type))
        entry = next(
            (p for p in pricing if p["courier_code"] == company and p["courier_service_code"] == service_type), None
        )
        if entry is None:
            if courier_sent:
                # Update page: "only pairs that appear in this draft's rates are supported".
                raise errors.BadRequest(
                    details={
                        "courier_type": [
                            f"'{company}/{service_type}' is not offered for this draft: "
                            "pick a courier_company/courier_type pair from GET /v1/draft_orders/{id}/rates."
                        ]
                    }
                )
            # The courier was set before and the update made it unavailable (the
            # documented case: an instant courier once a side leaves coordinates).
            data = {**data, "courier_company": None, "courier_type": None}
            company = service_type = None
        elif (data.get("destination_cash_on_delivery") or 0) > 0 and not entry["available_for_cash_on_delivery"]:
            raise errors.CashOnDeliveryUnavailable(company=company)

    record = {
        "id": draft["id"],
        "order_id": draft["order_id"],
        "origin": _side(data, route, "origin"),
        "destination": _side(data, route, "destination"),
        "courier": {
            "name": None,
            "phone": None,
            "company": company,
            "type": service_type,
            "link": None,
            "tracking_id": None,
            "waybill_id": None,
            "insurance": {
                "amount": data.get("courier_insurance") or 0,
                "amount_currency": "IDR",
                "fee": entry["insurance_fee"] if entry else 0,
                "fee_currency": "IDR",
                "note": "",
            },
            "routing_code": None,
        },
        "delivery": {
            "type": data["delivery_type"],
            "datetime": _delivery_datetime(draft, data, now),
            "note": None,
            "distance": round(route.distance(), 2),
            "distance_unit": "kilometer",
        },
        "extra": [],
        "tags": list(data.get("tags") or []),
        "metadata": data.get("metadata"),
        "items": [_item(i) for i in data["items"]],
        "currency": "IDR",
        "tax_lines": [],
        # A draft without a courier has no price yet: 0, so typed clients keep a number.
        "price": entry["price"] if entry else 0,
        "status": draft["status"],
        "reference_id": data.get("reference_id"),
        "invoice_id": draft["invoice_id"],
        "user_id": draft["user_id"],
        "created_at": draft["created_at"],
        "updated_at": draft["updated_at"],
        "placed_at": draft["placed_at"],
        "ready_at": draft["ready_at"],
        "confirmed_at": draft["confirmed_at"],
        "deleted_at": draft["deleted_at"],
        "_sandbox": {"input": data, "pricing": entry},
    }
    if entry is not None and record["destination"]["proof_of_delivery"]["use"]:
        # The rates entry folds the POD fee into shipping_fee; the draft shows it apart.
        record["destination"]["proof_of_delivery"]["fee"] = proof_of_delivery_fee(sb.catalog.get(company, service_type))
    transition(record, "ready" if company else "placed", now)
    return record


def _side(data: dict, route: _Route, side: str) -> dict:
    area, coordinate = route.areas[side], data.get(f"{side}_coordinate") or {}
    out = {
        "area_id": area.id,
        "address": data[f"{side}_address"],
        "note": data.get(f"{side}_note"),
        "contact_name": data[f"{side}_contact_name"],
        "contact_phone": data[f"{side}_contact_phone"],
        "contact_email": data.get(f"{side}_contact_email"),
        "coordinate": {"latitude": coordinate.get("latitude"), "longitude": coordinate.get("longitude")},
        "province_name": area.province_name,
        "city_name": area.city_name,
        "district_name": area.district_name,
        "postal_code": area.postal_code,
    }
    if side == "origin":
        out["collection_method"] = data.get("origin_collection_method") or "pickup"
    else:
        out["proof_of_delivery"] = {
            "use": bool(data.get("destination_proof_of_delivery")),
            "fee": 0,
            "fee_currency": "IDR",
            "note": data.get("destination_proof_of_delivery_note"),
            "link": None,
        }
        out["cash_on_delivery"] = {
            "payment_method": None,
            "amount": data.get("destination_cash_on_delivery"),
            "amount_currency": "IDR",
            "note": None,
            "type": data.get("destination_cash_on_delivery_type"),
        }
    return out


def _item(item: dict) -> dict:
    # Draft items echo ``currency`` but not ``category``/``sku`` (retrieve example);
    # those stay in the input and reach the order.
    return {
        "name": item["name"],
        "description": item.get("description"),
        "value": item["value"],
        "currency": "IDR",
        "quantity": item["quantity"],
        "height": item.get("height"),
        "width": item.get("width"),
        "length": item.get("length"),
        "weight": item["weight"],
    }


def _delivery_datetime(draft: dict, data: dict, now: str) -> str:
    if data["delivery_type"] == "scheduled":
        local = dt.datetime.fromisoformat(f"{data['delivery_date']}T{data['delivery_time']}").replace(tzinfo=JAKARTA)
        return iso_utc(local)
    previous = draft.get("delivery") or {}
    return previous["datetime"] if previous.get("type") == "now" else now
