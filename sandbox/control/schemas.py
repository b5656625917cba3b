"""Control plane on the wire: request bodies and query (marshmallow) and response bodies."""

from __future__ import annotations

import datetime as dt

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from ..fakes import iso_utc
from ..fields import StrictBoolean, StrictInteger, StrictNumber
from ..scenarios import DRAFT_STATUSES, ORDER_STATUSES


class _Body(Schema):
    class Meta:
        unknown = EXCLUDE


class Reset(_Body):
    all = StrictBoolean(load_default=False)


class Arm(_Body):
    count = StrictInteger(load_default=None, allow_none=True, validate=validate.Range(1, 1_000_000))
    operation = fields.String(load_default=None, allow_none=True)


class DraftStatus(_Body):
    status = fields.String(required=True, validate=validate.OneOf(DRAFT_STATUSES))


class OrderStatus(_Body):
    status = fields.String(required=True, validate=validate.OneOf(ORDER_STATUSES))


def _moment(value) -> dt.datetime:
    if not isinstance(value, str):
        raise ValidationError("Not a valid ISO-8601 date-time.")
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValidationError("Not a valid ISO-8601 date-time.") from None
    # A time without an offset is taken as UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


class _Moment(fields.Field):
    def _deserialize(self, value, attr, data, **kwargs):
        return _moment(value)


class Clock(_Body):
    freeze = StrictBoolean(load_default=None, allow_none=True)
    set = _Moment(load_default=None, allow_none=True)
    advance_seconds = StrictNumber(load_default=None, allow_none=True, validate=validate.Range(-1e10, 1e10))


class RequestsQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    path = fields.String(load_default=None)
    status = fields.Integer(load_default=None, strict=False, validate=validate.Range(100, 599))
    limit = fields.Integer(load_default=50, strict=False, validate=validate.Range(1, 10_000))


# --- responses ---------------------------------------------------------------------------


def health() -> dict:
    return {"success": True, "status": "ok"}


def reset(removed: int, everything: bool) -> dict:
    scope = "every key" if everything else "this key"
    return {"success": True, "message": f"Sandbox data of {scope} removed", "removed": removed}


def scenarios(listing: list[dict]) -> dict:
    return {"success": True, "scenarios": listing}


def armed(name: str, count: int, operation: str | None) -> dict:
    return {"success": True, "armed": {"name": name, "count": count, "operation": operation}}


def requests(entries: list[dict]) -> dict:
    return {"success": True, "requests": entries}


def clock(now: dt.datetime, frozen: bool) -> dict:
    return {"success": True, "now": iso_utc(now), "frozen": frozen}
