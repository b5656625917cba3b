"""Orders: built from a confirmed draft, read back by id. No Flask here.

The order copies the draft consistently (the docs' draft and confirm examples
disagree on names, notes and reference_id; a real client expects the copy), and
adds what only an order has: a 24-hex id, waybill and tracking ids, the tracking
link, the shipper block, item categories and SKUs, and the order ``note``.
"""

from __future__ import annotations

import datetime as dt

from .. import errors
from ..auth import Account
from ..fakes import Generated, iso_jakarta, iso_jakarta_minutes
from ..state import Sandbox

ORDERS = "orders"
TRACKING_LINK = "https://track.biteship.com?waybill_id={waybill_id}"


def retrieve_order(sb: Sandbox, account: Account, order_id: str) -> dict:
    order = sb.store.get(ORDERS, order_id)
    if order is None or order["_sandbox"]["user_id"] != account.user_id:
        raise errors.OrderNotFound(details={"order_id": order_id})
    return order


def order_from_draft(draft: dict, service, generated: Generated, moment: dt.datetime) -> dict:
    data = draft["_sandbox"]["input"]
    entry = draft["_sandbox"]["pricing"] or {}
    origin, destination, courier = draft["origin"], draft["destination"], draft["courier"]
    waybill_id = generated.bothify("waybill_id", service.waybill_pattern)
    cod_amount = destination["cash_on_delivery"]["amount"]
    instant = service.instant
    return {
        "id": generated.hex24("order_id"),
        "draft_order_id": draft["id"],
        "short_id": None,
        "shipper": {
            "name": data.get("shipper_contact_name"),
            "email": data.get("shipper_contact_email"),
            "phone": data.get("shipper_contact_phone"),
            "organization": data.get("shipper_organization"),
        },
        "origin": {
            "contact_name": origin["contact_name"],
            "contact_phone": origin["contact_phone"],
            "coordinate": origin["coordinate"],
            "address": origin["address"],
            "note": origin["note"],
            "postal_code": origin["postal_code"],
            "collection_method": origin["collection_method"],
        },
        "destination": {
            "contact_name": destination["contact_name"],
            "contact_phone": destination["contact_phone"],
            "contact_email": destination["contact_email"],
            "address": destination["address"],
            "note": destination["note"],
            "proof_of_delivery": {
                k: destination["proof_of_delivery"][k] for k in ("use", "fee", "note", "link")
            },
            "cash_on_delivery": {
                "id": generated.hex24("cash_on_delivery_id") if cod_amount else None,
                "amount": cod_amount,
                "fee": entry.get("cash_on_delivery_fee", 0),
                "amount_currency": "IDR",
                "fee_currency": "IDR",
                "note": destination["cash_on_delivery"]["note"],
                # Left empty, the type defaults to 7_days (order error 40002029's text).
                "type": (destination["cash_on_delivery"]["type"] or "7_days") if cod_amount else None,
                "status": "pending" if cod_amount else None,
                "payment_status": "pending" if cod_amount else None,
                "payment_method": "cash" if cod_amount else None,
            },
            "coordinate": destination["coordinate"],
            "postal_code": destination["postal_code"],
        },
        "stops": [],
        "courier": {
            "tracking_id": generated.hex24("tracking_id"),
            "waybill_id": waybill_id,
            "company": courier["company"],
            "name": None,
            "phone": None,
            "driver_name": generated.name("driver_name") if instant else None,
            "driver_phone": generated.phone("driver_phone") if instant else None,
            "driver_photo_url": None,
            "driver_plate_number": generated.license_plate("driver_plate_number") if instant else None,
            "type": courier["type"],
            "link": TRACKING_LINK.format(waybill_id=waybill_id),
            "insurance": {k: courier["insurance"][k] for k in ("amount", "fee", "amount_currency", "fee_currency", "note")},
            "routing_code": None,
            "history": [
                {
                    "service_type": courier["type"],
                    "status": "confirmed",
                    "note": "Order has been confirmed. Locating nearest driver to pick up.",
                    "updated_at": iso_jakarta(moment),
                }
            ],
        },
        "delivery": {
            "datetime": iso_jakarta_minutes(dt.datetime.fromisoformat(draft["delivery"]["datetime"].replace("Z", "+00:00"))),
            "note": draft["delivery"]["note"],
            "type": draft["delivery"]["type"],
            "distance": draft["delivery"]["distance"],
            "distance_unit": "kilometer",
        },
        "reference_id": draft["reference_id"],
        "items": [
            {
                "name": i["name"],
                "description": i.get("description"),
                "category": i.get("category") or "others",
                "sku": i.get("sku"),
                "value": i["value"],
                "quantity": i["quantity"],
                "length": i.get("length"),
                "width": i.get("width"),
                "height": i.get("height"),
                "weight": i["weight"],
            }
            for i in data["items"]
        ],
        "extra": [],
        "currency": "IDR",
        "tax_lines": [],
        "price": draft["price"],
        "metadata": draft["metadata"],
        "note": data.get("order_note"),
        "invoice_id": draft["invoice_id"],
        "tags": draft["tags"],
        "status": "confirmed",
        "_sandbox": {"user_id": draft["user_id"]},
    }
