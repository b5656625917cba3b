"""Draft orders on the wire: request bodies (marshmallow) and response envelopes.

Field names, required flags and enums must match ``openapi.yaml``
(``tests/test_spec_invariants.py`` compares them). Unknown fields are ignored, as
Biteship ignores them. A field whose bad value Biteship answers with its own 422
code (the cash-on-delivery type and amount) is only typed here; the service checks
its value, and the enum lives in the field's metadata for the invariant test.
"""

from __future__ import annotations

import datetime as dt
import re

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from ..couriers.service import COLLECTION_METHODS
from ..fields import PostalCode, StrictBoolean, StrictInteger, StrictNumber

CATEGORIES = (
    "fashion", "healthcare", "food_and_drink", "electronic", "beauty", "outdoor_gear",
    "home_accessories", "hobby", "collection", "sparepart", "groceries", "frozen_food", "others",
)  # fmt: skip
COD_TYPES = ("7_days", "5_days", "3_days")
DELIVERY_TYPES = ("now", "scheduled")
SIDES = ("origin", "destination")
LOCATION_FIELDS = ("postal_code", "coordinate", "area_id")

# IDNP<province>IDNC<city>IDND<district>IDZ<postal>; the draft examples spell it IDNZ.
AREA_ID = re.compile(r"^IDNP[0-9]+IDNC[0-9]+IDND[0-9]+IDN?Z[0-9]{5}$")
# A real calendar date; years before 1970 are refused (a pickup in year 0001 would
# fall outside the calendar once moved from Jakarta time to UTC).
_DATE = re.compile(r"^(19[7-9][0-9]|[2-9][0-9]{3})-[0-9]{2}-[0-9]{2}$")
_TIME = re.compile(r"^[0-9]{2}:[0-9]{2}$")


def _text(required: bool = False) -> fields.String:
    if required:
        return fields.String(required=True, validate=validate.Length(min=1))
    return fields.String(allow_none=True)


def _delivery_date(value: str | None) -> None:
    if value is None:
        return
    try:
        if not _DATE.match(value):
            raise ValueError
        dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError("Not a valid date: YYYY-MM-DD expected.") from None


def _delivery_time(value: str | None) -> None:
    if value is None:
        return
    if not _TIME.match(value) or int(value[:2]) > 23 or int(value[3:]) > 59:
        raise ValidationError("Not a valid time: HH:mm expected.")


class Coordinate(Schema):
    class Meta:
        unknown = EXCLUDE

    latitude = StrictNumber(required=True, validate=validate.Range(-90, 90))
    longitude = StrictNumber(required=True, validate=validate.Range(-180, 180))


class ItemInput(Schema):
    class Meta:
        unknown = EXCLUDE

    name = fields.String(required=True, validate=validate.Length(min=1))
    description = fields.String(allow_none=True)
    # Empty means "others" (https://biteship.com/en/docs/api/orders/create).
    category = fields.String(allow_none=True, validate=validate.OneOf((*CATEGORIES, "")))
    sku = fields.String(allow_none=True)
    value = StrictNumber(required=True, validate=validate.Range(0, 1e12))
    # Bounds keep every price a 64-bit integer: a tonne an item, 10,000 items, 100 m
    # sides (volumetric weight counts), so no request can make the pricing overflow.
    quantity = StrictInteger(required=True, validate=validate.Range(1, 10_000))
    weight = StrictNumber(required=True, validate=validate.Range(0, 1e6))  # grams
    length = StrictNumber(allow_none=True, validate=validate.Range(0, 1e4))  # cm
    width = StrictNumber(allow_none=True, validate=validate.Range(0, 1e4))
    height = StrictNumber(allow_none=True, validate=validate.Range(0, 1e4))


class DraftOrderUpdate(Schema):
    """``POST /v1/draft_orders/{id}``: every field optional, only those sent change."""

    class Meta:
        unknown = EXCLUDE

    shipper_contact_name = _text()
    shipper_contact_phone = _text()
    shipper_contact_email = _text()
    shipper_organization = _text()
    origin_contact_name = fields.String(validate=validate.Length(min=1))
    origin_contact_phone = fields.String(validate=validate.Length(min=1))
    origin_contact_email = _text()
    origin_address = fields.String(validate=validate.Length(min=1))
    origin_note = _text()
    origin_postal_code = PostalCode()
    origin_coordinate = fields.Nested(Coordinate)
    origin_area_id = fields.String(validate=validate.Regexp(AREA_ID))
    origin_collection_method = fields.String(validate=validate.OneOf(COLLECTION_METHODS))
    destination_contact_name = fields.String(validate=validate.Length(min=1))
    destination_contact_phone = fields.String(validate=validate.Length(min=1))
    destination_contact_email = _text()
    destination_address = fields.String(validate=validate.Length(min=1))
    destination_note = _text()
    destination_postal_code = PostalCode()
    destination_coordinate = fields.Nested(Coordinate)
    destination_area_id = fields.String(validate=validate.Regexp(AREA_ID))
    # Over the limit is 42211011, not 40011001: checked by the service. The money
    # fields also take numeric strings: PHP clients (laravel-biteship) send them so.
    destination_cash_on_delivery = StrictNumber(
        allow_none=True, numeric_string=True, validate=validate.Range(min=0), metadata={"maximum": 15_000_000}
    )
    # An unknown type is 42211010, not 40011001: checked by the service.
    destination_cash_on_delivery_type = fields.String(allow_none=True, metadata={"enum": [*COD_TYPES, None]})
    destination_proof_of_delivery = StrictBoolean()
    destination_proof_of_delivery_note = _text()
    courier_company = _text()
    courier_type = _text()
    courier_insurance = StrictNumber(allow_none=True, numeric_string=True, validate=validate.Range(0, 1e12))
    delivery_type = fields.String(validate=validate.OneOf(DELIVERY_TYPES))
    delivery_date = fields.String(allow_none=True, validate=_delivery_date)
    delivery_time = fields.String(allow_none=True, validate=_delivery_time)
    order_note = _text()
    metadata = fields.Dict(allow_none=True)
    reference_id = fields.String(allow_none=True, validate=validate.Length(max=255))
    tags = fields.List(fields.String())
    items = fields.List(fields.Nested(ItemInput), validate=validate.Length(min=1))


class DraftOrderCreate(DraftOrderUpdate):
    """``POST /v1/draft_orders``."""

    origin_contact_name = fields.String(required=True, validate=validate.Length(min=1))
    origin_contact_phone = fields.String(required=True, validate=validate.Length(min=1))
    origin_address = fields.String(required=True, validate=validate.Length(min=1))
    destination_contact_name = fields.String(required=True, validate=validate.Length(min=1))
    destination_contact_phone = fields.String(required=True, validate=validate.Length(min=1))
    destination_address = fields.String(required=True, validate=validate.Length(min=1))
    delivery_type = fields.String(required=True, validate=validate.OneOf(DELIVERY_TYPES))
    items = fields.List(fields.Nested(ItemInput), required=True, validate=validate.Length(min=1))

    @validates_schema
    def _each_side_has_a_location(self, data, **kwargs):
        # "Origin and destination must at least have postal codes, coordinates or
        # area ids" (create page footnote).
        errors = {}
        for side in SIDES:
            if not any(data.get(f"{side}_{f}") is not None for f in LOCATION_FIELDS):
                errors[f"{side}_postal_code"] = [
                    f"Send {side}_postal_code, {side}_coordinate or {side}_area_id."
                ]
        if errors:
            raise ValidationError(errors)


# --- responses ----------------------------------------------------------------------

CREATED, UPDATED, RETRIEVED = 20111002, 20011003, 20011004
RATES_RETRIEVED = 20001003


def draft_order(record: dict, code: int) -> dict:
    """The draft object: Biteship's envelope around the stored record."""
    body = {"success": True, "code": code, "object": "draft_order"}
    body.update((k, v) for k, v in record.items() if not k.startswith("_"))
    return body


def draft_order_deleted(draft_id: str) -> dict:
    # The docs show no body for delete; clients check ``success`` (and some read ``id``).
    return {
        "success": True,
        "message": "Draft order successfully deleted",
        "object": "draft_order",
        "id": draft_id,
    }


def courier_pricing(origin: dict, destination: dict, pricing: list[dict]) -> dict:
    return {
        "success": True,
        "object": "courier_pricing",
        "message": "Success to retrieve courier pricing",
        "code": RATES_RETRIEVED,
        "origin": origin,
        "stops": [],
        "destination": destination,
        "pricing": pricing,
    }
